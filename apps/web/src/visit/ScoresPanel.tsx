/**
 * The live scores beside the form, each with its reason as the outcome library reports it (the
 * criteria met, failed or missing, by their input names). Numbers as computed; the CHAQ DI is
 * rounded to 2 decimals for display only (definitions.md section 5).
 */

import { recordType } from '@jia-trial/dictionary';
import { findJoint, MAS_2016_LAB_THRESHOLDS, MS_SCORE_CUTOFF } from '@jia-trial/outcomes';
import { jointLabel } from '../components/body-map-layout';
import type { LiveScores } from './live-scores';
import { type MissingCodes, whyMissing } from './missing-reasons';

/**
 * The outcome library names a criterion's inputs in code (`chaqDi`, `acutePhaseReactant`): shown
 * in words, a visit field by the dictionary's label, a measure derived from several by its name.
 */
const DERIVED_INPUTS: Readonly<Record<string, string>> = {
  chaqDi: 'CHAQ disability index',
  acutePhaseReactant: 'ESR or CRP',
  activeArthritis: 'active arthritis',
};
const FIELD_LABELS = new Map(recordType('visit').fields.map((f) => [f.key, f.label]));
const inputText = (name: string) => DERIVED_INPUTS[name] ?? FIELD_LABELS.get(name) ?? name;

/** The thresholds as the outcome library holds them (Ravelli 2016; Minoia 2019), never restated. */
const FERRITIN = MAS_2016_LAB_THRESHOLDS.ferritin;

const listWith = (codes: MissingCodes) => (names: readonly string[]) =>
  names.length
    ? names
        .map((n) => {
          const why = whyMissing(n, codes);
          return why ? `${inputText(n)}: ${why}` : inputText(n);
        })
        .join(', ')
    : 'none';
const verdict = (value: boolean | null, yes: string, no: string) =>
  value === null ? 'cannot be decided' : value ? yes : no;
const number = (value: number | null) =>
  value === null ? 'not computed (an input is missing)' : String(value);

type Row = readonly [string, string, string, string];

/** The counts the form derives (joints from the body map, the CHAQ DI), or why they are missing. */
function countRows(
  codes: MissingCodes,
  activeCodes: readonly string[],
  limited: number | null,
  chaqDi: number | null,
): Row[] {
  const jointsWhy = whyMissing('activeJoints', codes);
  const chaqWhy = whyMissing('chaqDi', codes);
  return [
    [
      'active-joints',
      'Active joints',
      jointsWhy ?? String(activeCodes.length),
      jointsWhy
        ? 'the joint examination'
        : activeCodes.length
          ? activeCodes
              .map((c) => jointLabel(findJoint(c) ?? { name: c, side: 'midline' }))
              .join(', ')
          : 'no joint swollen, or limited with pain or tenderness',
    ],
    ['limited-joints', 'Joints with limited motion', jointsWhy ?? String(limited ?? 0), ''],
    [
      'chaq-di',
      'CHAQ disability index',
      chaqDi === null ? (chaqWhy ?? 'not computed') : chaqDi.toFixed(2),
      chaqDi === null && !chaqWhy ? 'too few domains answered' : '',
    ],
  ];
}

export function ScoresPanel({
  live,
  activeCodes,
  limited,
  chaqDi,
}: {
  readonly live: LiveScores;
  readonly activeCodes: readonly string[];
  readonly limited: number | null;
  readonly chaqDi: number | null;
}) {
  const { scores, reasons, reference } = live;
  const list = listWith(reasons.missingCodes);
  const acr = reasons.jiaAcr;
  const rows: readonly (readonly [string, string, string, string])[] = [
    ...countRows(reasons.missingCodes, activeCodes, limited, chaqDi),
    [
      'jadas10',
      'JADAS-10',
      number(scores.jadas10),
      scores.jadas10Band ? `band: ${scores.jadas10Band}` : '',
    ],
    ['jadas27', 'JADAS-27', number(scores.jadas27), ''],
    ['jadas71', 'JADAS-71', number(scores.jadas71), ''],
    [
      'cjadas10',
      'cJADAS-10',
      number(scores.cjadas10),
      reasons.cjadas10Band
        ? `band: ${reasons.cjadas10Band}`
        : 'no band (category or inputs missing)',
    ],
    [
      'acr-pedi',
      'JIA-ACR',
      scores.acrPedi === null
        ? reference
          ? 'cannot be decided'
          : 'no baseline'
        : scores.acrPedi === 0
          ? 'below 30'
          : `ACR Pedi ${scores.acrPedi}`,
      acr
        ? `against ${reference?.visitId}; missing: ${list(acr.missing)}`
        : 'this visit is the baseline',
    ],
    [
      'flare',
      'Flare (withdrawal-trial definition)',
      reasons.flare ? verdict(scores.flare, 'flare', 'no flare') : 'no baseline',
      reasons.flare
        ? `worsened: ${list(reasons.flare.worsened)}; improved: ${list(reasons.flare.improved)}; missing: ${list(reasons.flare.missing)}`
        : '',
    ],
    [
      'inactive-disease',
      'Inactive disease (Wallace 2011)',
      verdict(scores.inactiveDisease, 'inactive', 'not inactive'),
      `not met: ${list(reasons.inactiveDisease.failed)}; missing: ${list(reasons.inactiveDisease.missing)}`,
    ],
    [
      'mas',
      'MAS (2016 criteria)',
      reasons.mas2016 ? verdict(scores.mas2016, 'classified as MAS', 'not MAS') : 'not applicable',
      reasons.mas2016
        ? `ferritin ${FERRITIN.comparator} ${FERRITIN.byUnit['ng/mL']} ng/mL: ${verdict(reasons.mas2016.ferritinMet, 'met', 'not met')}; criteria met: ${list(reasons.mas2016.criteriaMet)}; missing: ${list(reasons.mas2016.missing)}`
        : 'for systemic JIA only',
    ],
    [
      'ms-score',
      'MS score (Minoia 2019)',
      reasons.msScore
        ? reasons.msScore.value === null
          ? 'cannot be computed'
          : `${reasons.msScore.value} (${reasons.msScore.band === MS_SCORE_CUTOFF.band ? 'at or above' : 'below'} the cut-off ${MS_SCORE_CUTOFF.value})`
        : 'not applicable',
      reasons.msScore ? `missing: ${list(reasons.msScore.missing)}` : 'for systemic JIA only',
    ],
  ];
  return (
    <section className="card scores" aria-labelledby="scores-title">
      <h2 id="scores-title">Scores as typed</h2>
      <p className="scores-note">Computed as the server computes them on saving.</p>
      <dl>
        {rows.map(([id, name, value, why]) => (
          <div key={id} data-score={id}>
            <dt>{name}</dt>
            <dd>
              <span className="score-value">{value}</span>
              {why ? <span className="score-why"> ({why})</span> : null}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
