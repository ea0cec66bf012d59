/**
 * report.html's efficacy sections: each read-out from the first infusion, each read-out from
 * every series' own infusion, and the number of tests the report made. Every p is printed with
 * its method; every paired p with the Hodges-Lehmann median change and its exact interval.
 */
import { HODGES_LEHMANN_MAX_N } from '../statistics/hodges-lehmann.js';
import {
  EFFICACY_MEASURES,
  type EfficacyMeasure,
  type MeasureComparison,
  type ReadoutAnalysis,
} from '../study/efficacy.js';
import type { Multiplicity } from '../study/multiplicity.js';
import { RESPONDER_OUTCOMES, type ResponderOutcome } from '../study/responders.js';
import type { SeriesReadout } from '../study/series-readouts.js';
import {
  hodgesLehmannText,
  list,
  MAX_LISTED,
  medianIqr,
  n1,
  p,
  plural,
  proportionCell,
  table,
} from './format.js';
import { escapeXml as esc } from './svg.js';

const RESPONDER_LABELS: Readonly<Record<ResponderOutcome, string>> = {
  acrPedi30: 'JIA-ACR 30',
  acrPedi50: 'JIA-ACR 50',
  acrPedi70: 'JIA-ACR 70',
  acrPedi90: 'JIA-ACR 90',
  inactiveDisease: 'Inactive disease (Wallace 2011)',
};

/** What the read-out table's "improved" and "n" count (efficacy.ts: readout < baseline). */
export const IMPROVED_DEFINITION =
  '"Improved": patients whose value is lower at the read-out than at the baseline (every measure here is better when lower; an unchanged value is not improved); n: patients with both values.';

/** The median change, or why it is not there. */
const change = (c: MeasureComparison): string =>
  c.hodgesLehmannOmitted === 'too_many_pairs'
    ? `not computed (more than ${HODGES_LEHMANN_MAX_N} pairs)`
    : hodgesLehmannText(c.hodgesLehmann);

const measures = () => Object.keys(EFFICACY_MEASURES) as EfficacyMeasure[];
const pWithMethod = (c: MeasureComparison) =>
  c.wilcoxon === null ? 'n/a' : `${p(c.wilcoxonP)} (${esc(c.wilcoxon.method)})`;

function respondersTable(r: ReadoutAnalysis): string {
  return table(
    [
      '',
      'completers: responders / evaluable (%, 95% CI)',
      'non-responder imputation: responders / due (%, 95% CI)',
    ],
    RESPONDER_OUTCOMES.map((o) => [
      RESPONDER_LABELS[o],
      proportionCell(r.responders[o].completers),
      proportionCell(r.responders[o].nonResponderImputation),
    ]),
  );
}

function whoIsOut(r: ReadoutAnalysis): string {
  return `${r.missing.length > 0 ? ` Missing: ${list(r.missing)}.` : ''}${r.superseded.length > 0 ? ` Superseded by a repeat infusion before the read-out: ${list(r.superseded)}.` : ''}${r.notYetDue.length > 0 ? ` Not yet due by the data cut: ${list(r.notYetDue)}.` : ''}`;
}

/** A read-out from the first infusion against the baseline before it. */
export function readoutSection(r: ReadoutAnalysis): string {
  const rows = measures().map((m) => {
    const c = r[m];
    return [
      esc(c.label),
      String(c.n),
      medianIqr(c.baseline),
      medianIqr(c.readout),
      String(c.improved),
      change(c),
      p(c.wilcoxonP),
      esc(c.wilcoxon?.method ?? 'n/a'),
      p(c.wilcoxonAsymptotic?.p),
    ];
  });
  return `<h3>${esc(r.label)} (the visit nearest day ${r.targetDay} after the first infusion, within ${r.toleranceDays} days)</h3>${table(
    [
      'measure',
      'n',
      'baseline, median (IQR)',
      `${esc(r.label)}, median (IQR)`,
      'improved, n',
      'median change, Hodges-Lehmann (exact CI, its level)',
      'Wilcoxon p',
      'method',
      'SPSS-style asymptotic p',
    ],
    rows,
  )}<p>${IMPROVED_DEFINITION}</p>${respondersTable(r)}<p>JIA-ACR 30/50/70/90: ${r.acrPedi30}/${r.acrPedi50}/${r.acrPedi70}/${r.acrPedi90}${r.acrUndetermined > 0 ? ` (${r.acrUndetermined} undetermined)` : ''}; inactive disease (Wallace 2011): ${r.inactiveDisease}${r.inactiveUndetermined > 0 ? ` (${r.inactiveUndetermined} undetermined)` : ''}. Visits used (study day, day 1 = the first infusion): ${r.visits
    .slice(0, MAX_LISTED)
    .map(
      (v) =>
        `${esc(v.subjectId)} ${v.visitId === null ? 'none' : `${esc(v.visitId)} (day ${v.studyDay})`}`,
    )
    .join(
      '; ',
    )}${r.visits.length > MAX_LISTED ? `; and ${r.visits.length - MAX_LISTED} more (report.json)` : ''}.${whoIsOut(r)}</p>`;
}

/** One series of one read-out: against its own baseline and, after a repeat, the first. */
function seriesTable(s: SeriesReadout): string {
  const own = s.ownBaseline;
  const first = s.firstBaseline;
  const rows = measures().map((m) => {
    const c = own[m];
    const f = first?.[m];
    return [
      esc(c.label),
      String(c.n),
      `${n1(c.baselineMedian)} to ${n1(c.median)}`,
      change(c),
      pWithMethod(c),
      ...(f ? [`${n1(f.baselineMedian)} to ${n1(f.median)}`, change(f), pWithMethod(f)] : []),
    ];
  });
  const head = [
    'measure',
    'n',
    `median, ${s.series === 1 ? 'baseline' : 'own pre-infusion visit'} to read-out`,
    'median change (exact CI)',
    'Wilcoxon p (method)',
    ...(first
      ? ['median, first baseline to read-out', 'median change (exact CI)', 'Wilcoxon p (method)']
      : []),
  ];
  const nri = (r: ReadoutAnalysis) =>
    `JIA-ACR 30 ${proportionCell(r.responders.acrPedi30.completers)} of the completers, ${proportionCell(r.responders.acrPedi30.nonResponderImputation)} with non-responder imputation`;
  const none = measures().every((m) => own[m].n === 0);
  return `<h4>Infusion ${s.series}: ${plural(own.visits.length, 'patient')} with this infusion</h4>${none ? '<p>No patient has this read-out after this infusion.</p>' : table(head, rows)}<p>Against ${s.series === 1 ? 'the baseline' : 'its own pre-infusion visit'}: ${nri(own)}.${first ? ` Against the baseline before the first infusion: ${nri(first)}.` : ''}${whoIsOut(own)}</p>`;
}

/** Each read-out from every series' own infusion. */
export function seriesSection(
  bySeries: Readonly<Record<string, readonly SeriesReadout[]>>,
): string {
  return Object.values(bySeries)
    .map((series) => {
      const r = series[0]?.ownBaseline;
      if (!r) return '';
      return `<h3>${esc(r.label)} from each infusion (the visit nearest day ${r.targetDay} after that infusion, within ${r.toleranceDays} days, before the next infusion)</h3>${series.map(seriesTable).join('')}`;
    })
    .join('');
}

/** The number of tests, and what it means for the p-values. */
export function multiplicityParagraph(m: Multiplicity): string {
  if (m.tests === 0) return '<p>No test was made.</p>';
  return `<p>This report made ${plural(m.tests, 'test')} (${m.families
    .filter((f) => f.tests > 0)
    .map((f) => `${esc(f.family)} ${f.tests}`)
    .join(
      ', ',
    )}; a second p of the same comparison, the SPSS-style or the other rate-ratio convention, is not counted). Its p-values are not adjusted for multiplicity: ${m.belowLevel} of them are below ${m.level}, where about ${n1(m.expectedByChance)} would be expected by chance alone if no effect were real, and ${m.belowBonferroni} below the Bonferroni bound ${m.level}/${m.tests} = ${(m.bonferroniLevel as number).toPrecision(2)}. Read them as exploratory.</p>`;
}
