/**
 * The report page's listings of issue 14, section 6: each infusion's MSC product as given, and
 * at each read-out the joint damage (JADI) where recorded and the intercurrent events between
 * the infusion and the read-out (ICH E9(R1): listed, the estimate under the treatment-policy
 * strategy; ADR 0023). Each says plainly when there is nothing to list.
 */
import type { InfusionSummary } from '../study/baseline.js';
import type { ReadoutAnalysis } from '../study/efficacy.js';
import { MAX_LISTED, n1, table } from './format.js';
import { escapeXml as esc } from './svg.js';

const orDash = (x: string | number | null) => (x === null ? '—' : esc(String(x)));

export function productsSection(infusions: InfusionSummary): string {
  const rows = infusions.products
    .slice(0, MAX_LISTED)
    .map((p) => [
      esc(p.subjectId),
      String(p.number),
      esc(p.infusionDate),
      p.totalCells.toExponential(2),
      p.cellsPerKg.toExponential(1),
      p.viabilityPct === null ? '—' : `${n1(p.viabilityPct)}%`,
      p.viableCells === null ? '—' : p.viableCells.toExponential(2),
      orDash(p.passage),
      orDash(p.productState),
      orDash(p.donorCode),
      esc(p.productLot),
    ]);
  return `<h3>The MSC product of each infusion</h3><p>${infusions.productsRecorded} of ${infusions.products.length} infusions record viability, passage or the product's state.</p>${table(
    [
      'patient',
      'infusion',
      'date',
      'cells given',
      'cells/kg',
      'viable',
      'viable cells',
      'passage',
      'fresh or cryopreserved',
      'donor',
      'lot',
    ],
    rows,
  )}`;
}

export function damageParagraph(r: ReadoutAnalysis): string {
  const d = r.damage;
  if (d.subjects.length === 0)
    return `<p>Joint damage (JADI): not recorded at the baseline or ${esc(r.label)} visits.</p>`;
  const rows = d.subjects
    .slice(0, MAX_LISTED)
    .map((s) => [
      esc(s.subjectId),
      orDash(s.baseline?.jadiA ?? null),
      orDash(s.readout?.jadiA ?? null),
      orDash(s.baseline?.jadiE ?? null),
      orDash(s.readout?.jadiE ?? null),
    ]);
  return `<h4>Joint damage (JADI, Viola 2005), ${esc(r.label)}</h4>${table(
    [
      'patient',
      'JADI-A baseline',
      `JADI-A ${esc(r.label)}`,
      'JADI-E baseline',
      `JADI-E ${esc(r.label)}`,
    ],
    rows,
  )}<p>JADI-A at both visits: ${d.jadiAPairs}, higher at the read-out ${d.jadiAWorse}, lower ${d.jadiABetter}; JADI-E: ${d.jadiEPairs}, ${d.jadiEWorse} higher, ${d.jadiEBetter} lower (JADI-E items not confirmed at the source [M]).${d.incomplete.length > 0 ? ` Incomplete (an item missing, no index): ${d.incomplete.map(esc).join(', ')}.` : ''} No test is made.</p>`;
}

const KIND_TEXT = {
  intra_articular_injection: 'intra-articular injection',
  corticosteroid_started: 'systemic corticosteroid started',
  corticosteroid_stopped: 'systemic corticosteroid stopped',
} as const;

export function intercurrentParagraph(r: ReadoutAnalysis): string {
  const e = r.intercurrentEvents;
  if (e.events.length === 0)
    return `<p>Intercurrent events before ${esc(r.label)} (intra-articular injections, systemic corticosteroid changes): none recorded.</p>`;
  const rows = e.events
    .slice(0, MAX_LISTED)
    .map((x) => [
      esc(x.subjectId),
      KIND_TEXT[x.kind],
      esc(x.drug),
      esc(x.eventDate),
      x.doseMg === null ? '—' : `${n1(x.doseMg)} mg`,
      orDash(x.route),
      x.jointCodes.map(esc).join(', ') || '—',
    ]);
  return `<h4>Intercurrent events between the infusion and ${esc(r.label)}</h4>${table(
    ['patient', 'event', 'drug', 'day', 'dose', 'route', 'joints'],
    rows,
  )}<p>${e.subjectsWithEvents.length} patient(s) with an event. The read-out's estimate is under the treatment-policy strategy (ICH E9(R1)): the events are listed, and the values are used as observed.</p>`;
}
