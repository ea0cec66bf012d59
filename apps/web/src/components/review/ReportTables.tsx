/**
 * The study report (report.json as `jia-trial report` writes it; docs/analysis.md) as tables:
 * baseline, infusions, adverse events before and after the first infusion with their statistics,
 * serious AEs and MAS, and each efficacy read-out with its effect size and both p conventions. The API types the report as an open object,
 * so each value is narrowed where it is shown (../subject/read.ts). A pseudonymised report
 * (statistician, DSMB) has study days where the identified one has dates: both are read.
 */
import { labelOf } from '../subject/format';
import { isObject, type Json, listOf, numberOf, objectOf, textOf, textsOf } from '../subject/read';
import { ColumnHeads } from '../table';
import { AeStatistics } from './ReportSafety';
import {
  intervalText,
  num,
  proportionText,
  pText,
  ratioIntervalText,
  ratioText,
  summaryText,
} from './report-format';

/** Baseline summaries in the report's order, with their row labels. */
const BASELINE_SUMMARIES = [
  ['ageYears', 'Age (years)'],
  ['diseaseDurationYears', 'Disease duration (years)'],
  ['failedBiologicals', 'Biologicals failed'],
  ['activeJoints', 'Active joints'],
  ['limitedJoints', 'Joints with limited motion'],
  ['jadas71', 'JADAS-71'],
  ['chaq', 'CHAQ disability index'],
  ['esr', 'ESR (mm/h)'],
  ['crp', 'CRP (mg/L)'],
] as const;

const BASELINE_COUNTS = [
  ['priorMethotrexate', 'Prior methotrexate'],
  ['priorCorticosteroids', 'Prior corticosteroids'],
  ['failedMethotrexate', 'Failed methotrexate'],
  ['failedCorticosteroids', 'Failed corticosteroids'],
] as const;

export function BaselineTable({ baseline }: { readonly baseline: Json }) {
  const sex = objectOf(baseline.sex);
  return (
    <table>
      <caption>Baseline ({num(baseline.subjects)} subjects): median (quartiles)</caption>
      <tbody>
        <tr>
          <th scope="row">Sex</th>
          <td>
            {Object.entries(sex)
              .map(([k, v]) => `${k}: ${num(v)}`)
              .join(', ')}
          </td>
        </tr>
        {listOf(baseline.ilarCategories)
          .map(objectOf)
          .map((c) => (
            <tr key={textOf(c.category) ?? ''}>
              <th scope="row">
                ILAR: {textOf(c.name) ?? labelOf('ilar_category', textOf(c.category))}
              </th>
              <td>{num(c.n)}</td>
            </tr>
          ))}
        {BASELINE_SUMMARIES.map(([key, label]) => (
          <tr key={key}>
            <th scope="row">{label}</th>
            <td>{summaryText(baseline[key])}</td>
          </tr>
        ))}
        {BASELINE_COUNTS.map(([key, label]) => (
          <tr key={key}>
            <th scope="row">{label}</th>
            <td>{num(baseline[key])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function InfusionTable({ infusions }: { readonly infusions: Json }) {
  return (
    <table>
      <caption>
        Infusions: {num(infusions.total)} in all, {num(infusions.subjectsWithRepeat)} subject(s)
        with a repeat
      </caption>
      <ColumnHeads
        names={['Subject', 'Infusions', 'Dates or study days', 'Cells per kg', 'Reactions']}
      />
      <tbody>
        {listOf(infusions.perSubject)
          .map(objectOf)
          .map((s) => (
            <tr key={textOf(s.subjectId) ?? ''}>
              <th scope="row">{textOf(s.subjectId)}</th>
              <td>{num(s.count)}</td>
              <td>
                {'studyDays' in s
                  ? listOf(s.studyDays)
                      .map((d) => `day ${num(d)}`)
                      .join(', ')
                  : textsOf(s.dates).join(', ')}
              </td>
              <td>{listOf(s.cellsPerKg).map(num).join(', ')}</td>
              <td>{num(s.reactions)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

const GRADES = ['1', '2', '3', '4', '5'];

/** One comparison of AEs before and after the first infusion (a window, or a subset of AEs). */
export function AeComparison({
  title,
  comparison,
}: {
  readonly title: string;
  readonly comparison: Json;
}) {
  const pre = objectOf(comparison.pre);
  const post = objectOf(comparison.post);
  const ratio = objectOf(comparison.rateRatio);
  const perPatient = objectOf(comparison.perPatient);
  const rows: ReadonlyArray<readonly [string, (side: Json) => string]> = [
    ['Events', (s) => num(s.count)],
    ['Patients with an event', (s) => num(s.patients)],
    ['Person-years', (s) => num(s.personYears)],
    ['Rate per person-year', (s) => num(s.rate)],
    ['Serious', (s) => num(s.serious)],
    ...GRADES.map((g) => [`CTCAE grade ${g}`, (s: Json) => num(objectOf(s.byGrade)[g])] as const),
  ];
  return (
    <>
      <table>
        <caption>
          {title}: {num(comparison.windowMonths)} months before and after the first infusion,{' '}
          {num(comparison.subjects)} subjects
        </caption>
        <ColumnHeads names={['Measure', 'Before', 'After']} />
        <tbody>
          {rows.map(([label, read]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{read(pre)}</td>
              <td>{read(post)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="statistics">
        <li>
          Rate ratio (after / before) {ratioText(ratio)}, 95% CI {ratioIntervalText(ratio.ci95)}, p
          = {pText(ratio.p)} ({rateRatioMethod(ratio)})
        </li>
        <li>Fisher's exact test (patients with an event) p = {pText(comparison.fisherP)}</li>
        <li>McNemar's test p = {pText(comparison.mcnemarP)}</li>
        <li>
          Per patient: Wilcoxon signed-rank p = {pText(objectOf(perPatient.wilcoxon).p)}, sign test
          p = {pText(objectOf(perPatient.signTest).p)}
        </li>
        <AeStatistics comparison={comparison} />
      </ul>
    </>
  );
}

export function SeriousAndMas({ events }: { readonly events: readonly unknown[] }) {
  if (events.length === 0) return <p>No serious adverse event or MAS.</p>;
  return (
    <table>
      <caption>Serious adverse events and MAS</caption>
      <ColumnHeads
        names={[
          'Subject',
          'AE',
          'Term',
          'Onset (date or study day)',
          'Grade',
          'MAS',
          'Days after first infusion',
          'Biologic stopped before',
        ]}
      />
      <tbody>
        {events.map(objectOf).map((e) => {
          const blocker = isObject(e.stoppedBlocker) ? e.stoppedBlocker : null;
          return (
            <tr key={textOf(e.aeId) ?? ''}>
              <th scope="row">{textOf(e.subjectId)}</th>
              <td>{textOf(e.aeId)}</td>
              <td>{textOf(e.term)}</td>
              <td>{textOf(e.onsetDate) ?? `day ${num(e.onsetStudyDay)}`}</td>
              <td>{num(e.grade)}</td>
              <td>{e.mas === true ? 'yes' : 'no'}</td>
              <td>{num(e.daysAfterFirstInfusion)}</td>
              <td>
                {blocker
                  ? `${textOf(blocker.drug) ?? ''}, ${num(blocker.daysBefore)} days before`
                  : '—'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The rate ratio's p convention in words, with the other convention's value (ADR 0014). */
function rateRatioMethod(ratio: Json): string {
  if (ratio.pMethod === 'minlike') return `R's minlike p; central p ${pText(ratio.pCentral)}`;
  if (ratio.pMethod === 'central')
    return `central p, twice the smaller one-sided p; R's minlike p ${pText(ratio.pMinlike)}`;
  return 'method not stated';
}

const RESPONDERS = [
  ['acrPedi30', 'ACR-Pedi 30'],
  ['acrPedi50', 'ACR-Pedi 50'],
  ['acrPedi70', 'ACR-Pedi 70'],
  ['acrPedi90', 'ACR-Pedi 90'],
  ['inactiveDisease', 'Inactive disease'],
] as const;

/** The Hodges-Lehmann median change with its exact interval at the level it reaches (ADR 0015). */
function medianChangeText(m: Json): string {
  if (textOf(m.hodgesLehmannOmitted)) return `— (${textOf(m.hodgesLehmannOmitted)})`;
  const hl = objectOf(m.hodgesLehmann);
  if (numberOf(hl.estimate) === null) return '—';
  const level = numberOf(hl.achievedConfidence);
  return `${num(hl.estimate)} (${intervalText(hl.ci)}; ${level === null ? '—' : `${(level * 100).toFixed(1)}%`} CI)`;
}

/** One efficacy read-out (week 8, 1 year): each measure against baseline, and the responses. */
export function ReadOut({
  readout,
  caption,
}: {
  readonly readout: Json;
  /** What the read-out is measured from, when not the study's first infusion and baseline. */
  readonly caption?: string;
}) {
  // A measure is an entry with a label and pairs: the report's own list, whatever it holds.
  const measures = Object.entries(readout).filter(
    ([, v]) => isObject(v) && typeof v.label === 'string' && Array.isArray(v.pairs),
  );
  const responders = objectOf(readout.responders);
  return (
    <>
      <table className="numbers">
        <caption>
          {textOf(readout.label)} (day {num(readout.targetDay)} ± {num(readout.toleranceDays)}):{' '}
          {caption ?? 'each measure against baseline'}
        </caption>
        <ColumnHeads
          names={[
            'Measure',
            'n',
            'Baseline median',
            'Median',
            'Improved',
            'Median change (exact CI)',
            'Wilcoxon p',
            'Method',
            'SPSS-style p',
          ]}
        />
        <tbody>
          {measures.map(([key, value]) => {
            const m = objectOf(value);
            return (
              <tr key={key}>
                <th scope="row">{textOf(m.label)}</th>
                <td>{num(m.n)}</td>
                <td>{num(m.baselineMedian)}</td>
                <td>{num(m.median)}</td>
                <td>{num(m.improved)}</td>
                <td>{medianChangeText(m)}</td>
                <td>{pText(m.wilcoxonP)}</td>
                <td>{textOf(objectOf(m.wilcoxon).method) ?? '—'}</td>
                <td>{pText(objectOf(m.wilcoxonAsymptotic).p)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ul className="statistics">
        <li>
          ACR-Pedi 30 / 50 / 70 / 90 reached: {num(readout.acrPedi30)} / {num(readout.acrPedi50)} /{' '}
          {num(readout.acrPedi70)} / {num(readout.acrPedi90)} (undetermined{' '}
          {num(readout.acrUndetermined)}); inactive disease {num(readout.inactiveDisease)}
        </li>
        {RESPONDERS.map(([key, label]) => {
          const r = objectOf(responders[key]);
          return isObject(r.completers) ? (
            <li key={key}>
              {label}: completers {proportionText(r.completers)}; non-responders imputed{' '}
              {isObject(r.nonResponderImputation)
                ? proportionText(r.nonResponderImputation)
                : '— (none due)'}
            </li>
          ) : null;
        })}
        <li>
          Missing read-out: {listOf(readout.missing).length}; not yet due:{' '}
          {listOf(readout.notYetDue).length}; infused again before the read-out:{' '}
          {listOf(readout.superseded).length}
        </li>
      </ul>
    </>
  );
}
