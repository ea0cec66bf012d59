/**
 * The report page's safety section (issue 14 section 3): each AE comparison with its pooled
 * ratio (exact Poisson and cluster-bootstrap intervals) and its per-patient paired comparison,
 * which one is primary, the comparison both ways of provenance, after each infusion, the tables
 * by category, and the comparison's limits in words next to the result.
 */
import type { AeByInfusion } from '../study/ae-by-infusion.js';
import type { AeTableRow, AeTables } from '../study/ae-tables.js';
import type { StudyAnalysis } from '../study/analyse-study.js';
import type { AeWindowAnalysis } from '../study/safety.js';
import type { WindowComparison } from '../study/window-comparison.js';
import {
  hodgesLehmannText,
  interval,
  n1,
  p,
  plural,
  RATE_RATIO_P_TEXT,
  ratioCell,
  ratioText,
  table,
} from './format.js';
import { escapeXml as esc } from './svg.js';

type Ae = StudyAnalysis['adverseEvents'];

/**
 * The comparison's numbers as sentences, the paired analyses first (each child compared with
 * itself), then the unpaired ones, each with what it assumes: Fisher's test takes the same
 * children before and after as two independent groups, the exact Poisson interval takes every AE
 * as independent of the others (definitions.md 8.4; ADR 0021).
 */
export function comparisonText(c: WindowComparison, primary: 'per_patient' | 'pooled'): string {
  const r = c.rateRatio;
  const b = r.clusterBootstrap;
  const other = r.pMethod === 'central' ? r.pMinlike : r.pCentral;
  const pp = c.perPatient;
  const mark = (which: 'per_patient' | 'pooled') => (primary === which ? ' <b>(primary)</b>' : '');
  return `<p>Per patient${mark('per_patient')} (each child compared with itself: AEs per patient-year after vs before, ${plural(pp.wilcoxon.n + pp.wilcoxon.zerosDropped, 'patient')} with time on both sides): Wilcoxon signed-rank p = ${p(pp.wilcoxon.p)} (${pp.wilcoxon.method}; SPSS-style asymptotic p = ${p(pp.asymptotic.p)}); median change ${hodgesLehmannText(pp.hodgesLehmann)} AEs per patient-year; exact sign test p = ${p(pp.signTest.p)}. Patients with any AE (before ${c.fisher.table[0][0]} with, ${c.fisher.table[0][1]} without; after ${c.fisher.table[1][0]} with, ${c.fisher.table[1][1]} without): paired, exact McNemar p = ${p(c.mcnemarP)} (on the children whose status changed); Fisher's exact p = ${p(c.fisherP)}, which treats the same children before and after as two independent groups (the pilot's 2x2), so it is given for comparison only. Pooled rate ratio (after/before)${mark('pooled')} ${ratioText(r)}: exact 95% CI ${interval(r.ci95)}, p = ${p(r.p)} (${RATE_RATIO_P_TEXT[r.pMethod]}; the ${r.pMethod === 'central' ? 'minlike' : 'central'} p is ${p(other)}), which treats every AE as independent of the others; cluster-bootstrap ${Math.round(b.confidence * 100)}% CI ${interval(b.ci)} (patients resampled, ${b.method === 'exact enumeration' ? `all ${b.resamples} resamples enumerated` : `${b.resamples} resamples, seed ${b.seed}`}), which allows for children differing in their AE rates.</p>`;
}

function provenanceText(ae: AeWindowAnalysis): string {
  return ae.provenance === 'all'
    ? 'every AE of the window, those taken from the chart before consent included'
    : `only AEs from the consent on (${plural(ae.excluded.retrospective, 'AE')} before consent left out${ae.excluded.unknownProvenance > 0 ? `, ${ae.excluded.unknownProvenance} of unknown provenance: no consent or enrolment date for ${ae.excluded.subjectsWithoutConsent.map(esc).join(', ')}` : ''}; the "before" person-time starts at the consent)`;
}

function byInfusionSection(by: AeByInfusion, primary: 'per_patient' | 'pooled'): string {
  const rows = by.infusions.map((c) => [
    `after infusion ${c.infusion}`,
    String(c.subjects),
    `${c.pre.count} / ${n1(c.pre.personYears)}`,
    `${c.post.count} / ${n1(c.post.personYears)}`,
    ratioCell(c.rateRatio),
    interval(c.rateRatio.ci95),
    interval(c.rateRatio.clusterBootstrap.ci),
    p(c.perPatient.wilcoxon.p),
  ]);
  const pooled = by.pooled;
  return `<h3>After each infusion (${by.windowMonths} months, closed at the next infusion), against the ${by.windowMonths} months before the first</h3>${table(
    [
      'window',
      'patients',
      'AEs / patient-years before',
      'AEs / patient-years after',
      'rate ratio',
      'exact 95% CI',
      'cluster-bootstrap CI',
      'per-patient Wilcoxon p',
    ],
    rows,
  )}<p>All "after" windows together:</p>${comparisonText(pooled, primary)}<p>The pilot's 2x2 by periods (each patient's "before" window and each "after" window a period; ignores the pairing and the repeats): before ${pooled.periodFisher.table[0][0]} with an AE, ${pooled.periodFisher.table[0][1]} without; after ${pooled.periodFisher.table[1][0]} with, ${pooled.periodFisher.table[1][1]} without; Fisher's exact p = ${p(pooled.periodFisher.p)}.</p>`;
}

const tableRows = (rows: readonly AeTableRow[], label: (c: string | null) => string) =>
  rows.map((r) => [
    label(r.category),
    String(r.before),
    String(r.after),
    String(r.treatmentEmergent),
    String(r.all),
    String(r.patients),
  ]);
const TABLE_HEAD = ['', 'before', 'after', 'treatment-emergent', 'all', 'patients'];

function tablesSection(t: AeTables): string {
  const code = (c: string | null) => esc((c ?? 'not coded').replace(/_/g, ' '));
  return `<h3>AEs by category (primary windows; treatment-emergent: onset on or after the first infusion, or worsening after it)</h3>${table(
    ['relatedness', ...TABLE_HEAD.slice(1)],
    tableRows(t.byRelatedness, code),
  )}<p>Counted as related: ${t.relatedCodes.map(code).join(', ')}.</p>${table(['related', ...TABLE_HEAD.slice(1)], tableRows(t.byRelated, code))}${table(
    ['seriousness', ...TABLE_HEAD.slice(1)],
    tableRows(t.bySeriousness, code),
  )}${table(['CTCAE grade', ...TABLE_HEAD.slice(1)], tableRows(t.byGrade, code))}${
    t.systemOrganClassCoded === 0
      ? '<p>No AE carries a MedDRA system organ class (optional column system_organ_class), so there is no table by class.</p>'
      : `${table(['system organ class (as coded by the site)', ...TABLE_HEAD.slice(1)], tableRows(t.bySystemOrganClass, code))}`
  }`;
}

/** `counts`: the table of a comparison's two windows (render-html's). */
export function safetySection(ae: Ae, counts: (a: AeWindowAnalysis) => string): string {
  const primary = ae.plan.primaryComparison;
  return `<h3>Primary: ${ae.windowMonths} months before vs after the first infusion</h3><p>Counted: ${provenanceText(ae)}. An AE on the infusion day counts ${ae.infusionDayRule} the infusion unless its onset time and the infusion's start time are both recorded. Primary comparison: ${primary === 'per_patient' ? 'per patient (the child as the unit)' : 'the pooled rate ratio'}.</p>${counts(ae)}${comparisonText(ae, primary)}<p><b>Limits of this comparison.</b></p><ul>${ae.limitations.statements
    .map((s) => `<li>${s}</li>`)
    .join(
      '',
    )}</ul><h3>The same, ${ae.alternativeProvenance.provenance === 'prospective' ? 'from the consent on' : 'with every AE'} (not primary)</h3><p>Counted: ${provenanceText(ae.alternativeProvenance)}.</p>${counts(ae.alternativeProvenance)}${comparisonText(ae.alternativeProvenance, primary)}${byInfusionSection(ae.byInfusion, primary)}${tablesSection(ae.tables)}`;
}
