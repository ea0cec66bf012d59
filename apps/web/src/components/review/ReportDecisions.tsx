/**
 * The study report's parts beyond the tables of ReportTables: each read-out measured from every
 * infusion series' own infusion (`efficacyBySeries`), the number of tests made
 * (`multiplicity`), and the protocol engine's decisions at the data cut (`decisions`:
 * retreatment, qualifies apart from allowed, and eligibility passed only because nothing was
 * registered), the MSC products and, at each read-out, joint damage and intercurrent events.
 * docs/analysis.md describes each field.
 */

import { labelOf, wordsOf } from '../subject/format';
import { isObject, type Json, listOf, numberOf, objectOf, textOf, textsOf } from '../subject/read';
import { ColumnHeads, ScrollBox } from '../table';
import { ReadOut } from './ReportTables';
import { num, pText } from './report-format';

/** Every series of one read-out: against its own baseline and, from the second, the first. */
export function SeriesReadOuts({ series }: { readonly series: readonly unknown[] }) {
  const analyses = series.map(objectOf).filter((s) => isObject(s.ownBaseline));
  if (analyses.length < 2) return null;
  return (
    <details className="series-readouts">
      <summary>Measured from each infusion ({analyses.length} series)</summary>
      {analyses.map((s) => (
        <ScrollBox key={num(s.series)} label={`Infusion ${num(s.series)}: the measures`}>
          <ReadOut
            readout={objectOf(s.ownBaseline)}
            caption={`after infusion ${num(s.series)}, against the visit before it`}
          />
          {isObject(s.firstBaseline) && (
            <ReadOut
              readout={s.firstBaseline}
              caption={`after infusion ${num(s.series)}, against the baseline before the first`}
            />
          )}
        </ScrollBox>
      ))}
    </details>
  );
}

export function Multiplicity({ multiplicity }: { readonly multiplicity: Json }) {
  if (numberOf(multiplicity.tests) === null) return null;
  return (
    <p className="multiplicity">
      <strong>Multiplicity:</strong> {num(multiplicity.tests)} tests in this report;{' '}
      {num(multiplicity.belowLevel)} with p below {num(multiplicity.level)}, where{' '}
      {num(multiplicity.expectedByChance)} would be expected by chance alone if no effect were real;{' '}
      {num(multiplicity.belowBonferroni)} below Bonferroni's bound{' '}
      {pText(multiplicity.bonferroniLevel)}. No p-value is adjusted (
      {textOf(multiplicity.adjustment) ?? 'none'}).
    </p>
  );
}

const yesNo = (value: unknown) => (value === true ? 'yes' : value === false ? 'no' : '—');

export function Decisions({ decisions }: { readonly decisions: Json }) {
  const checks = new Map(
    listOf(decisions.checks)
      .map(objectOf)
      .map((c) => [textOf(c.id) ?? '', textOf(c.text) ?? ''] as const),
  );
  const named = (ids: unknown) =>
    textsOf(ids)
      .map((id) => checks.get(id) ?? id)
      .join('; ') || '—';
  const retreatment = listOf(decisions.retreatment).map(objectOf);
  const vacuous = listOf(decisions.eligibility)
    .map(objectOf)
    .filter((e) => listOf(e.noneRegistered).length > 0);
  return (
    <>
      <ScrollBox label="Retreatment at the data cut">
        <table>
          <caption>Retreatment at the data cut: the protocol's rule, and the day's checks</caption>
          <ColumnHeads
            names={[
              'Subject',
              'Infusions',
              'Qualifies',
              'Allowed',
              'Response',
              'Loss',
              'Not met',
              'Not known yet',
            ]}
          />
          <tbody>
            {retreatment.map((r) => (
              <tr key={textOf(r.subjectId) ?? ''}>
                <th scope="row">{textOf(r.subjectId)}</th>
                <td>{num(r.infusions)}</td>
                <td>{yesNo(r.qualifies)}</td>
                <td>{yesNo(r.allowed)}</td>
                <td>{textOf(r.responseVisitId) ?? '—'}</td>
                <td>{textOf(r.lossVisitId) ?? '—'}</td>
                <td>{named(r.blockers)}</td>
                <td>{named(r.pending)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
      <p>
        {vacuous.length === 0
          ? 'No eligibility criterion was met only because nothing was registered.'
          : `Met only because nothing was registered for the category: ${vacuous
              .map(
                (e) =>
                  `${textOf(e.subjectId)} (${listOf(e.noneRegistered)
                    .map(objectOf)
                    .map(
                      (c) =>
                        `${checks.get(textOf(c.criterionId) ?? '') ?? textOf(c.criterionId)}: ${textOf(c.status)}`,
                    )
                    .join('; ')})`,
              )
              .join(', ')}.`}
      </p>
    </>
  );
}

/** Each infusion's MSC product as given (viability, passage, fresh or cryopreserved, donor). */
export function Products({ infusions }: { readonly infusions: Json }) {
  const products = listOf(infusions.products).map(objectOf);
  if (products.length === 0) return null;
  const sci = (v: unknown) => {
    const n = numberOf(v);
    return n === null ? '—' : n.toExponential(2);
  };
  return (
    <ScrollBox label="The MSC product of each infusion">
      <table>
        <caption>
          The MSC product of each infusion ({num(infusions.productsRecorded)} of {products.length}{' '}
          record viability, passage or state)
        </caption>
        <ColumnHeads
          names={[
            'Subject',
            'Infusion',
            'Cells given',
            'Viable',
            'Viable cells',
            'Passage',
            'State',
            'Donor',
          ]}
        />
        <tbody>
          {products.map((p) => (
            <tr key={`${textOf(p.subjectId)}-${num(p.number)}`}>
              <th scope="row">{textOf(p.subjectId)}</th>
              <td>{num(p.number)}</td>
              <td>{sci(p.totalCells)}</td>
              <td>{numberOf(p.viabilityPct) === null ? '—' : `${num(p.viabilityPct)}%`}</td>
              <td>{sci(p.viableCells)}</td>
              <td>{num(p.passage)}</td>
              <td>{labelOf('product_state', textOf(p.productState))}</td>
              <td>{textOf(p.donorCode) ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}

/** At one read-out: joint damage (JADI) where recorded, and the intercurrent events before it. */
export function ReadoutListings({ readout }: { readonly readout: Json }) {
  const damage = objectOf(readout.damage);
  const events = listOf(objectOf(readout.intercurrentEvents).events).map(objectOf);
  return (
    <ul className="statistics">
      <li>
        Joint damage (JADI):{' '}
        {listOf(damage.subjects).length === 0
          ? 'not recorded at these visits'
          : `JADI-A at both visits ${num(damage.jadiAPairs)}, higher ${num(damage.jadiAWorse)}, lower ${num(damage.jadiABetter)}; JADI-E at both ${num(damage.jadiEPairs)}, higher ${num(damage.jadiEWorse)}, lower ${num(damage.jadiEBetter)}`}
      </li>
      <li>
        Intercurrent events (treatment-policy strategy, ICH E9(R1)):{' '}
        {events.length === 0
          ? 'none recorded'
          : events
              .map(
                (e) =>
                  `${textOf(e.subjectId)} ${wordsOf(textOf(e.kind))} ${textOf(e.drug) ?? ''} (${textOf(e.eventDate) ?? `day ${num(e.eventStudyDay)}`})`,
              )
              .join('; ')}
      </li>
    </ul>
  );
}
