/**
 * The report's adverse-event comparison beyond its counts (issue 14, section 3; ADR 0020,
 * 0021): which AEs are counted (all, or only those from the consent on) with the other reading
 * beside it, the per-patient comparison (primary in msc-jia) with its median change, the rate
 * ratio's cluster-bootstrap interval, the windows after each infusion, the tables by
 * relatedness, seriousness, grade and system organ class, and the limits in words.
 */

import { wordsOf } from '../subject/format';
import { isObject, type Json, listOf, numberOf, objectOf, textOf, textsOf } from '../subject/read';
import { ColumnHeads, ScrollBox } from '../table';
import { intervalText, num, pText, ratioIntervalText, ratioText } from './report-format';

const PROVENANCE_TEXT: Readonly<Record<string, string>> = {
  all: 'every AE, the chart-reviewed ones before consent too',
  prospective: 'only the AEs from the consent on',
};

/** The per-patient comparison and the pooled ratio's bootstrap interval, one line each. */
export function AeStatistics({ comparison }: { readonly comparison: Json }) {
  const perPatient = objectOf(comparison.perPatient);
  const hl = objectOf(perPatient.hodgesLehmann);
  const bootstrap = objectOf(objectOf(comparison.rateRatio).clusterBootstrap);
  const level = numberOf(hl.achievedConfidence);
  return (
    <>
      {isObject(perPatient.hodgesLehmann) && (
        <li>
          Per patient (
          {textOf(perPatient.measure) === 'aes_per_patient_year'
            ? 'AEs per patient-year'
            : 'AE counts'}
          ): median change {num(hl.estimate)} ({intervalText(hl.ci)};{' '}
          {level === null ? '—' : `${(level * 100).toFixed(1)}%`} CI), SPSS-style p ={' '}
          {pText(objectOf(perPatient.asymptotic).p)}
        </li>
      )}
      {isObject(objectOf(comparison.rateRatio).clusterBootstrap) && (
        <li>
          Rate ratio, cluster-bootstrap 95% CI (patients resampled, {textOf(bootstrap.method)}):{' '}
          {ratioIntervalText(bootstrap.ci)}
        </li>
      )}
    </>
  );
}

function AeTable({ title, rows }: { readonly title: string; readonly rows: readonly unknown[] }) {
  return (
    <table>
      <caption>{title}</caption>
      <ColumnHeads
        names={['Category', 'Before', 'After', 'Treatment-emergent', 'All', 'Patients']}
      />
      <tbody>
        {rows.map(objectOf).map((r) => (
          <tr key={textOf(r.category) ?? 'none'}>
            <th scope="row">{r.category === null ? 'not coded' : wordsOf(textOf(r.category))}</th>
            <td>{num(r.before)}</td>
            <td>{num(r.after)}</td>
            <td>{num(r.treatmentEmergent)}</td>
            <td>{num(r.all)}</td>
            <td>{num(r.patients)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AeDetails({ ae }: { readonly ae: Json }) {
  const plan = objectOf(ae.plan);
  const other = objectOf(ae.alternativeProvenance);
  const pooled = objectOf(objectOf(ae.byInfusion).pooled);
  const tables = objectOf(ae.tables);
  const statements = textsOf(objectOf(ae.limitations).statements);
  return (
    <>
      <p>
        Counted: {PROVENANCE_TEXT[textOf(ae.provenance) ?? ''] ?? '—'}. Primary comparison:{' '}
        {textOf(plan.primaryComparison) === 'per_patient'
          ? 'per patient (the child as the unit)'
          : 'the pooled rate ratio'}
        . Counting {PROVENANCE_TEXT[textOf(other.provenance) ?? ''] ?? '—'} instead:{' '}
        {num(objectOf(other.pre).count)} before, {num(objectOf(other.post).count)} after, rate ratio{' '}
        {ratioText(objectOf(other.rateRatio))} (95% CI{' '}
        {ratioIntervalText(objectOf(other.rateRatio).ci95)}).
      </p>
      {isObject(ae.byInfusion) && (
        <p>
          The 3 months after every infusion (a repeat too), pooled:{' '}
          {num(objectOf(pooled.pre).count)} before the first, {num(objectOf(pooled.post).count)}{' '}
          after; rate ratio {ratioText(objectOf(pooled.rateRatio))} (95% CI{' '}
          {ratioIntervalText(objectOf(pooled.rateRatio).ci95)}, p ={' '}
          {pText(objectOf(pooled.rateRatio).p)}
          ).
        </p>
      )}
      {statements.length > 0 && (
        <>
          <h4>Limits of this comparison</h4>
          <ul className="limits">
            {statements.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </>
      )}
      <ScrollBox label="Adverse events by category">
        <AeTable title="By relatedness" rows={listOf(tables.byRelatedness)} />
        <AeTable title="By seriousness" rows={listOf(tables.bySeriousness)} />
        <AeTable title="By CTCAE grade" rows={listOf(tables.byGrade)} />
        {numberOf(tables.systemOrganClassCoded) ? (
          <AeTable title="By MedDRA system organ class" rows={listOf(tables.bySystemOrganClass)} />
        ) : (
          <p>No AE carries a MedDRA system organ class: no table by class.</p>
        )}
      </ScrollBox>
    </>
  );
}
