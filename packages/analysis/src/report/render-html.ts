/**
 * report.html: the study analysis as one self-contained page (inline CSS and SVG, no script, no
 * external resource), readable without a server and printable. Every statement in "Findings"
 * is computed from the analysis, never typed in.
 */

import { ILAR_CATEGORIES, inactiveDiseaseVerdict } from '@jia-trial/outcomes';
import { day, type SubjectTimeline, studyDay } from '@jia-trial/protocol';
import type { Summary } from '../statistics/quantiles.js';
import { limitationTitles } from '../study/ae-limitations.js';
import { EFFICACY_MEASURES, type ReadoutAnalysis } from '../study/efficacy.js';
import { MAS_TERM } from '../study/events.js';
import type { AeWindowAnalysis } from '../study/safety.js';
import {
  hodgesLehmannText,
  interval,
  list,
  MAX_LISTED,
  medianIqr,
  n1,
  n2,
  p,
  plural,
  RATE_RATIO_P_TEXT,
  ratioText,
  table,
} from './format.js';
import { multiplicityParagraph, readoutSection, seriesSection } from './render-efficacy.js';
import { damageParagraph, intercurrentParagraph, productsSection } from './render-listings.js';
import { comparisonText, safetySection } from './render-safety.js';
import type { AnalysedStudy } from './report-json.js';
import { escapeXml as esc, linePlot, pairedBars, type SwimmerLane, swimmerPlot } from './svg.js';

const range = (s: Summary) =>
  s.n === 0 ? 'n/a' : `${n1(s.median)} (range ${n1(s.min)}-${n1(s.max)})`;
const weeks = (days: number) => `${days} days (${n1(days / 7)} weeks)`;

/** Compared as rates: the windows may hold different person-time (a data cut, a withdrawal). */
function fewerOrMore(after: number, before: number): string {
  return after < before
    ? 'fewer AEs after than before'
    : after > before
      ? 'more AEs after than before'
      : 'as many AEs after as before';
}

function normal(
  r: ReadoutAnalysis,
  limits: { esrUpperLimit: number; crpUpperLimit: number },
): string {
  const state = (median: number | null, limit: number) =>
    median === null ? 'not measured' : median <= limit ? 'within normal limits' : 'above normal';
  return `median ESR ${state(r.esr.median, limits.esrUpperLimit)}, median CRP ${state(r.crp.median, limits.crpUpperLimit)}`;
}

const moreRows = (n: number) =>
  n > MAX_LISTED
    ? `<p>The first ${MAX_LISTED} of ${n} are shown; report.json has them all.</p>`
    : '';

function eventLine(e: AnalysedStudy['analysis']['adverseEvents']['seriousAndMas'][number]): string {
  const blocker = e.stoppedBlocker;
  return `${esc(e.subjectId)} (${esc(ILAR_CATEGORIES[e.ilarCategory].name)}): ${esc(e.term)} (grade ${e.grade}${e.serious ? ', serious' : ''}) ${e.daysAfterLatestInfusion === null ? 'before any infusion' : `${weeks(e.daysAfterLatestInfusion)} after the infusion`}${blocker ? `, ${weeks(blocker.daysBefore)} after ${esc(blocker.drug)}${blocker.target ? ` (${esc(blocker.target)} blocker)` : ''} was stopped` : ''}.`;
}

const nri = (r: ReadoutAnalysis) => {
  const x = r.responders.acrPedi30.nonResponderImputation;
  return x === null ? 'none due' : `${x.x} of ${x.n} with non-responder imputation`;
};

function findings(a: AnalysedStudy['analysis']): string[] {
  const b = a.baseline;
  const ae = a.adverseEvents;
  const out = [
    `${plural(a.subjects, 'subject')} in the study by ${esc(a.asOf)}${a.notInfused.length > 0 ? `, ${a.notInfused.length} not infused (outside the analyses below: ${list(a.notInfused)})` : ''}.`,
    `${plural(b.subjects, 'infused patient')}; median disease duration ${n1(b.diseaseDurationYears.median)} years; ${b.failedMethotrexate} of ${b.subjects} failed methotrexate and ${b.failedCorticosteroids} of ${b.subjects} corticosteroids (stopped for inefficacy or intolerance) before the first infusion; a median of ${n1(b.failedBiologicals.median)} failed biologicals (range ${n1(b.failedBiologicals.min)}-${n1(b.failedBiologicals.max)}).`,
    `${plural(a.infusions.total, 'infusion')}; ${plural(a.infusions.subjectsWithRepeat, 'patient')} infused more than once; ${plural(
      a.infusions.perSubject.reduce((s, x) => s + x.reactions, 0),
      'acute infusion reaction',
    )}.`,
    // The paired analyses first (each child compared with itself), then the unpaired ones with
    // what they assume (issue 16): the numbers are the safety section's.
    `Adverse events in the ${ae.windowMonths} months before vs after the first infusion: ${ae.pre.count} vs ${ae.post.count}, ${n2(ae.pre.rate)} vs ${n2(ae.post.rate)} per patient-year (${fewerOrMore(ae.post.rate, ae.pre.rate)}). Per patient (${ae.plan.primaryComparison === 'per_patient' ? 'primary' : 'not primary'}; each child compared with itself): Wilcoxon p = ${p(ae.perPatient.wilcoxon.p)}, median change ${hodgesLehmannText(ae.perPatient.hodgesLehmann)} AEs per patient-year. Patients with any AE ${ae.pre.patients} vs ${ae.post.patients}: paired, exact McNemar p = ${p(ae.mcnemarP)}; Fisher's exact p = ${p(ae.fisherP)}, which treats the same children before and after as two independent groups. Pooled rate ratio${ae.plan.primaryComparison === 'pooled' ? ' (primary)' : ''} ${ratioText(ae.rateRatio)} (95% CI ${interval(ae.rateRatio.ci95)}, p = ${p(ae.rateRatio.p)}, ${ae.rateRatio.pMethod} p; it treats every AE as independent); cluster-bootstrap CI of the ratio ${interval(ae.rateRatio.clusterBootstrap.ci)}. From the consent on: ${ae.alternativeProvenance.provenance === 'prospective' ? `${ae.alternativeProvenance.pre.count} vs ${ae.alternativeProvenance.post.count}` : 'primary'}. Limits: ${limitationTitles(
      ae.limitations,
    )
      .join('; ')
      .toLowerCase()} (see Safety).`,
    ...ae.seriousAndMas.slice(0, MAX_LISTED).map(eventLine),
    ...decisionFindings(a.decisions),
  ];
  for (const r of Object.values(a.efficacy)) {
    const aj = r.activeJoints;
    out.push(
      `${esc(r.label)}: active joints lower in ${aj.improved} of ${aj.n} (median ${n1(aj.baselineMedian)} to ${n1(aj.median)}; median change ${hodgesLehmannText(aj.hodgesLehmann)}; Wilcoxon p = ${p(aj.wilcoxonP)}, ${aj.wilcoxon?.method ?? 'n/a'}; SPSS-style asymptotic p = ${p(aj.wilcoxonAsymptotic?.p)}); ${r.improvedInThreeOrMoreCoreSet} improved in at least 3 of the 6 core-set variables; inflammatory markers down in ${r.inflammatoryMarkersDown} of the ${r.raisedInflammatoryMarkers} with raised markers; well-being median ${n1(r.parentGlobal.baselineMedian)} to ${n1(r.parentGlobal.median)} (p = ${p(r.parentGlobal.wilcoxonP)}, ${r.parentGlobal.wilcoxon?.method ?? 'n/a'}); median ESR ${n1(r.esr.median)} mm/h and CRP ${n1(r.crp.median)} mg/L (${normal(r, a.limits)}); JIA-ACR 30 in ${r.acrPedi30} (${nri(r)}); inactive disease in ${r.inactiveDisease}${r.missing.length > 0 ? `; no visit for ${list(r.missing)}` : ''}${r.notYetDue.length > 0 ? `; not yet due for ${list(r.notYetDue)}` : ''}.`,
    );
  }
  return out;
}

/** Retreatment as two facts (qualifies; allowed today, or waiting on checks), and vacuous passes. */
function decisionFindings(d: AnalysedStudy['analysis']['decisions']): string[] {
  const qualifying = d.retreatment.filter((r) => r.qualifies);
  const allowed = qualifying.filter((r) => r.allowed).map((r) => r.subjectId);
  const waiting = qualifying
    .filter((r) => !r.allowed && r.blockers.length === 0)
    .map((r) => r.subjectId);
  const blocked = qualifying.filter((r) => r.blockers.length > 0).map((r) => r.subjectId);
  const vacuous = d.eligibility.filter((e) => e.noneRegistered.length > 0).map((e) => e.subjectId);
  return [
    `At the data cut, ${qualifying.length} of ${d.retreatment.length} infused patients qualify for a repeat infusion under the protocol's rule (a response, lost now, within the infusion limit)${qualifying.length > 0 ? `: allowed today ${allowed.length}${allowed.length > 0 ? ` (${list(allowed)})` : ''}, waiting on a check of the day still unknown ${waiting.length}${waiting.length > 0 ? ` (${list(waiting)})` : ''}, blocked by a check not met ${blocked.length}${blocked.length > 0 ? ` (${list(blocked)})` : ''}` : ''}.`,
    ...(vacuous.length > 0
      ? [
          `${plural(vacuous.length, 'subject')} met "failed every registered biological" only vacuously (none registered for the category and age on the reference day): ${list(vacuous)}; the protocol decides whether that counts, and the investigator was alerted (ELIGIBILITY_NONE_REGISTERED).`,
        ]
      : []),
  ];
}

function decisionsSection(d: AnalysedStudy['analysis']['decisions']): string {
  const named = new Map(d.checks.map((c) => [c.id, c.text]));
  const names = (ids: readonly string[]) =>
    ids.length === 0 ? '-' : ids.map((id) => esc(named.get(id) ?? id)).join('; ');
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const retreatment = table(
    [
      'patient',
      'infusions',
      'qualifies',
      'allowed today',
      'blocked by',
      'pending',
      'response / loss visit',
    ],
    d.retreatment
      .slice(0, MAX_LISTED)
      .map((r) => [
        esc(r.subjectId),
        String(r.infusions),
        yes(r.qualifies),
        yes(r.allowed),
        names(r.blockers),
        names(r.pending),
        `${esc(r.responseVisitId ?? '-')} / ${esc(r.lossVisitId ?? '-')}`,
      ]),
  );
  const vacuous = d.eligibility.filter((e) => e.noneRegistered.length > 0);
  const eligibility =
    vacuous.length === 0
      ? '<p>No eligibility criterion was met only vacuously.</p>'
      : table(
          ['patient', 'eligibility', 'on', 'met only vacuously (none registered)'],
          vacuous
            .slice(0, MAX_LISTED)
            .map((e) => [
              esc(e.subjectId),
              e.status.replaceAll('_', ' '),
              e.referenceDate,
              e.noneRegistered
                .map(
                  (c) =>
                    `${esc(named.get(c.criterionId) ?? c.criterionId)}: ${c.status.replaceAll('_', ' ')}`,
                )
                .join('; '),
            ]),
        );
  return `<h3>Retreatment</h3><p>"Qualifies": the protocol's rule (a response after the latest infusion, lost now, fewer infusions than the maximum). "Allowed today": qualifies and every check of the day (not withdrawn, the interval, the recheck criteria) known and met; a check still unknown is pending, not a refusal.</p>${retreatment}${moreRows(d.retreatment.length)}<h3>Eligibility passed only vacuously</h3>${eligibility}`;
}

/** Each row names its statistic: median (IQR), median (range) or n (%) of the infused patients. */
function baselineSection(a: AnalysedStudy['analysis']): string {
  const b = a.baseline;
  // A row with fewer values than patients says how many it has.
  const med = (x: Summary) => (x.n < b.subjects ? `${medianIqr(x)} (n = ${x.n})` : medianIqr(x));
  const pct = (k: number) => (b.subjects === 0 ? 'n/a' : `${Math.round((k / b.subjects) * 100)}%`);
  const nPct = (k: number) => `${k} (${pct(k)})`;
  return table(
    ['', `n = ${b.subjects}`],
    [
      ['Age at first infusion, years, median (IQR)', med(b.ageYears)],
      [
        'Sex, n (%)',
        Object.entries(b.sex)
          .map(([s, k]) => `${esc(s)} ${nPct(k)}`)
          .join(', '),
      ],
      [
        'ILAR category, n (%)',
        b.ilarCategories.map((c) => `${esc(c.name)} ${nPct(c.n)}`).join('<br>'),
      ],
      ['Disease duration, years, median (IQR)', med(b.diseaseDurationYears)],
      [
        'Prior methotrexate, n (%); of them failed, n',
        `${nPct(b.priorMethotrexate)}; failed ${b.failedMethotrexate}`,
      ],
      [
        'Prior corticosteroids, n (%); of them failed, n',
        `${nPct(b.priorCorticosteroids)}; failed ${b.failedCorticosteroids}`,
      ],
      ['Failed biologicals, median (range)', range(b.failedBiologicals)],
      ['Active joints, median (IQR)', med(b.activeJoints)],
      ['Joints with limited motion, median (IQR)', med(b.limitedJoints)],
      ['JADAS-71, median (IQR)', med(b.jadas71)],
      ['CHAQ, median (IQR)', med(b.chaq)],
      ['ESR, mm/h, median (IQR)', med(b.esr)],
      ['CRP, mg/L, median (IQR)', med(b.crp)],
    ],
  );
}

/** The counts of a comparison's two windows. */
function aeTable(ae: AeWindowAnalysis): string {
  const side = (s: AeWindowAnalysis['pre']) => [
    String(s.count),
    String(s.patients),
    n1(s.personYears),
    n1(s.rate),
    String(s.serious),
    Object.entries(s.byGrade)
      .map(([g, k]) => `${g}:${k}`)
      .join(' '),
  ];
  return table(
    [
      'window',
      'AEs',
      'patients with an AE',
      'patient-years',
      'AEs per patient-year',
      'serious',
      'by CTCAE grade',
    ],
    [
      [`${ae.windowMonths} months before`, ...side(ae.pre)],
      [`${ae.windowMonths} months after`, ...side(ae.post)],
    ],
  );
}

function aeSection(title: string, ae: AeWindowAnalysis, primary: 'per_patient' | 'pooled'): string {
  return `<h3>${esc(title)}</h3>${aeTable(ae)}${comparisonText(ae, primary)}`;
}

/** The plots' time axis: the read-out tables' study day. */
const STUDY_DAY_AXIS = 'study day (day 1 = the first infusion)';

/** The sensitivity window, or a sentence when it is the primary window (the same analysis). */
function sensitivitySection(
  ae: AnalysedStudy['analysis']['adverseEvents'],
  primary: 'per_patient' | 'pooled',
): string {
  const s = ae.sensitivity;
  if (s.windowMonths === ae.windowMonths)
    return `<h3>Sensitivity</h3><p>Sensitivity: the ${s.windowMonths}-month window is the primary window here; it is not repeated.</p>`;
  return aeSection(
    `Sensitivity: ${s.windowMonths} months from the first infusion${s.repeatInfusionInside.length > 0 ? ` (runs across the repeat infusion of ${list(s.repeatInfusionInside)})` : ''}`,
    s,
    primary,
  );
}

/** The report's plots as standalone SVG documents: report.html inlines them, the CLI writes them as files. */
export function reportPlots(study: AnalysedStudy): string[] {
  // A registry has thousands of patients: the per-patient plots show the first MAX_LISTED.
  const all = study.timelines.filter((t) => t.infusions.length > 0);
  const infused = all.slice(0, MAX_LISTED);
  // CDISC study day, day 1 = the first infusion (no day 0), as the read-out tables count.
  const dayOf = (t: SubjectTimeline, date: string) =>
    studyDay(day(date), day(t.infusions[0]?.date as string));
  const series = (value: (t: SubjectTimeline, i: number) => number | null | undefined) =>
    infused.map((t) => ({
      name: t.subjectId,
      points: t.visits.flatMap((v, i) => {
        const y = value(t, i);
        return typeof y === 'number' && Number.isFinite(y) ? [[dayOf(t, v.date), y] as const] : [];
      }),
      infusions: t.infusions.map((i) => dayOf(t, i.date)),
    }));
  const jadas = EFFICACY_MEASURES.jadas71.value;
  const limits = study.analysis.limits;
  const lanes: SwimmerLane[] = infused.map((t) => ({
    name: t.subjectId,
    end: Math.max(1, ...t.visits.map((v) => dayOf(t, v.date))),
    marks: [
      ...t.infusions.map((i) => ({ day: dayOf(t, i.date), kind: 'infusion' as const })),
      ...t.adverseEvents.map((ae) => ({
        day: dayOf(t, ae.onsetDate),
        kind: MAS_TERM.test(ae.term)
          ? ('mas' as const)
          : ae.serious
            ? ('sae' as const)
            : ('ae' as const),
      })),
      ...t.visits
        .filter(
          (v) =>
            day(v.date) > day(t.infusions[0]?.date as string) &&
            inactiveDiseaseVerdict(v.observation, 'wallace2011', limits) === true,
        )
        .map((v) => ({ day: dayOf(t, v.date), kind: 'inactive' as const })),
    ],
  }));
  const ae = study.analysis.adverseEvents;
  return [
    linePlot(
      'Active joints per patient',
      STUDY_DAY_AXIS,
      'active joints',
      series((t, i) => t.visits[i]?.observation.activeJoints),
    ),
    linePlot(
      'JADAS-71 per patient',
      STUDY_DAY_AXIS,
      'JADAS-71',
      series((t, i) => jadas(t.visits[i]?.observation ?? {})),
    ),
    swimmerPlot('Per patient: infusions, AEs, MAS, inactive disease', STUDY_DAY_AXIS, lanes),
    pairedBars('AEs per patient-year before vs after the first infusion', 'AEs per patient-year', [
      { name: `${ae.windowMonths} months`, before: ae.pre.rate, after: ae.post.rate },
      ...(ae.sensitivity.windowMonths === ae.windowMonths
        ? []
        : [
            {
              name: `${ae.sensitivity.windowMonths} months`,
              before: ae.sensitivity.pre.rate,
              after: ae.sensitivity.post.rate,
            },
          ]),
    ]),
  ];
}

function plots(study: AnalysedStudy): string {
  const infused = study.timelines.filter((t) => t.infusions.length > 0).length;
  return reportPlots(study)
    .map((svg) => `<figure>${svg}</figure>`)
    .join('')
    .concat(
      infused > MAX_LISTED
        ? `<p>The per-patient plots show the first ${MAX_LISTED} of ${infused} infused patients.</p>`
        : '',
    );
}

/** Put before the title of a report of invented patients. */
export const SYNTHETIC_TITLE = 'SYNTHETIC DATA';

const CSS = `body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}
table{border-collapse:collapse;margin:0.5em 0 1em;font-size:0.9em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f7}.banner{background:#fff3cd;border:1px solid #e0c36a;padding:0.5em 1em}figure{margin:1em 0}
ul.findings li{margin:0.3em 0}
@media print{body{margin:0;max-width:none}figure,tr,ul.findings li,p{break-inside:avoid}h2,h3,h4{break-after:avoid}thead{display:table-header-group}figure svg{max-width:100%;height:auto}}`;

function wilcoxonMethodText(a: AnalysedStudy['analysis']): string {
  const zeros =
    a.methods.wilcoxonZeroMethod === 'pratt'
      ? "zero differences ranked with the others, then dropped (Pratt's method)"
      : 'zero differences dropped (as R and SPSS)';
  return a.methods.wilcoxonExactWithTies === 'permutation'
    ? `Wilcoxon signed-rank test, exact; with ties or zero differences the exact permutation test of the midrank statistic (as coin and exactRankTests); with 50 pairs or more the normal approximation with continuity correction; ${zeros}`
    : `Wilcoxon signed-rank test as R's wilcox.test: exact when there are no ties or zero differences, otherwise the normal approximation with continuity correction; ${zeros}`;
}

export function renderHtml(study: AnalysedStudy): string {
  const a = study.analysis;
  const primaryAe = a.adverseEvents.plan.primaryComparison;
  const synthetic = study.synthetic ? `${SYNTHETIC_TITLE}: ` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${synthetic}${esc(a.protocol.title)}: study report</title><style>${CSS}</style></head><body>
<h1>${synthetic}${esc(a.protocol.title)}</h1>
<p>Protocol ${esc(a.protocol.id)} ${esc(a.protocol.version)}; data up to ${esc(a.asOf)}; ${plural(a.subjects, 'subject')}. Generated by jia-trial ${esc(study.generator)}.</p>
${study.note ? `<p class="banner">${esc(study.note)}</p>` : ''}
<h2>Findings</h2><ul class="findings">${findings(a)
    .map((f) => `<li>${f}</li>`)
    .join('')}</ul>
<h2>Baseline (at the first infusion)</h2>${baselineSection(a)}
<h2>Infusions</h2>${table(
    ['patient', 'infusions', 'dates', 'cells/kg', 'reactions'],
    a.infusions.perSubject
      .slice(0, MAX_LISTED)
      .map((s) => [
        esc(s.subjectId),
        String(s.count),
        s.dates.join(', '),
        s.cellsPerKg.map((c) => c.toExponential(1)).join(', '),
        String(s.reactions),
      ]),
  )}${moreRows(a.infusions.perSubject.length)}${productsSection(a.infusions)}
<h2>Safety</h2>${safetySection(a.adverseEvents, aeTable)}${sensitivitySection(a.adverseEvents, primaryAe)}${aeSection(`Serious AEs only, ${a.adverseEvents.windowMonths} months`, a.adverseEvents.serious, primaryAe)}${aeSection(`AEs of CTCAE grade 3 or more, ${a.adverseEvents.windowMonths} months`, a.adverseEvents.grade3OrMore, primaryAe)}
<h3>Serious adverse events and MAS</h3>${
    a.adverseEvents.seriousAndMas.length === 0
      ? '<p>None.</p>'
      : table(
          [
            'patient',
            'AE',
            'onset',
            'grade',
            'after the latest infusion',
            'after the last biological was stopped',
          ],
          a.adverseEvents.seriousAndMas
            .slice(0, MAX_LISTED)
            .map((e) => [
              esc(e.subjectId),
              esc(e.term),
              e.onsetDate,
              String(e.grade),
              e.daysAfterLatestInfusion === null ? 'n/a' : weeks(e.daysAfterLatestInfusion),
              e.stoppedBlocker
                ? `${weeks(e.stoppedBlocker.daysBefore)} (${esc(e.stoppedBlocker.drug)}, stopped ${e.stoppedBlocker.stopDate})`
                : 'n/a',
            ]),
        )
  }
<h2>Retreatment and eligibility at the data cut</h2>${decisionsSection(a.decisions)}
<h2>Efficacy against the baseline</h2>${Object.values(a.efficacy)
    .map((r) => readoutSection(r) + damageParagraph(r) + intercurrentParagraph(r))
    .join('')}
<h2>Efficacy after each infusion</h2><p>A patient infused again starts a new series: each read-out is taken again from that infusion's day, before the next infusion, and compared with the visit before that infusion and with the baseline before the first.</p>${seriesSection(a.efficacyBySeries)}
<h2>Multiplicity</h2>${multiplicityParagraph(a.multiplicity)}
<h2>Plots</h2>${plots(study)}
<h2>Methods</h2><ul>
<li>Baseline: the last visit on or before the first infusion. Read-outs: the visit nearest the target day after the first infusion within the tolerance shown; a patient without one is counted as missing and listed.</li>
<li>AE windows: N months = N/12 years of 365.25 days on each side of the first infusion, by onset date; an AE on the infusion day counts as after, so on the day grid the 3-month windows hold the 91 days before and the infusion day with the 91 days after; each side counts N/12 patient-years; the "after" window ends at a withdrawal or the data cut. Serious AEs and AEs of grade 3 or more are analysed the same way. A MAS episode is an AE whose term names it.</li>
<li>Efficacy, paired comparisons: ${wilcoxonMethodText(a)}; beside it the SPSS-style asymptotic p (normal approximation with the tie-corrected variance, no continuity correction, zero differences dropped), which the pilot's paper used, and the Hodges-Lehmann median change (read-out minus baseline) with its exact distribution-free 95% CI (the Walsh averages between the order statistics of the signed-rank distribution; with 5 patients or fewer the widest interval falls short of 95% and its own level is printed).</li>
<li>Responders: among the completers (patients whose response could be decided) and with non-responder imputation (every patient due by the data cut; no read-out, an undetermined response or a repeat infusion before the read-out count as no response), each with its Clopper-Pearson 95% CI.</li>
<li>What each AE test assumes: the per-patient Wilcoxon signed-rank and sign tests and the exact McNemar test are paired (each child compared with itself), which is the design of a before-after study, and come first; Fisher's exact test takes the children before and the same children after as two independent groups, which they are not, and is given only because the pilot reported it; the exact Poisson rate ratio takes every AE as independent of the others (a child with many AEs weighs as much as many children with one), which the cluster-bootstrap interval does not.</li>
<li>AEs: rate ratio by the exact conditional binomial test with its Clopper-Pearson CI (R's poisson.test); p: ${RATE_RATIO_P_TEXT[a.methods.rateRatioP]}; beside it the cluster-bootstrap percentile interval (patients resampled, enumerated exactly up to 10 patients, else drawn with a recorded seed). Per patient: each child's AEs per patient-year after vs before, by the same Wilcoxon signed-rank test and Hodges-Lehmann median change as the efficacy read-outs, and the exact sign test; Fisher's exact test and the exact McNemar test on patients with any AE. Every statistic is checked against R 4.2.2 (packages/analysis/fixtures: stats, coin and exactRankTests).</li>
<li>Inactive disease: Wallace 2011 (ESR upper limit ${a.limits.esrUpperLimit} mm/h, CRP ${a.limits.crpUpperLimit} mg/L). JIA-ACR: Giannini 1997 against the baseline.</li>
</ul>
</body></html>
`;
}
