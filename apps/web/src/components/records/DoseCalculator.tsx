/**
 * Beside the infusion's fields: the dose for the weight typed, computed live by the protocol
 * engine (dose-plan.ts), with the range the protocol accepts and the volume. "Use this dose"
 * copies it into the record's fields; the user may still type another dose, which the server
 * then refuses with the engine's reasons if it is outside the tolerance.
 */
import type { Intervention } from '@jia-trial/protocol';
import { useState } from 'react';
import { doseFor, formatCount, volumeText } from './dose-plan';
import type { FormValues } from './record-form';

export function DoseCalculator({
  formId,
  protocolId,
  intervention,
  values,
  set,
}: {
  readonly formId: string;
  readonly protocolId: string;
  readonly intervention: Intervention;
  readonly values: FormValues;
  readonly set: (changes: FormValues) => void;
}) {
  const [concentration, setConcentration] = useState('');
  const weight = typeof values.weightKg === 'string' ? values.weightKg : '';
  const dose = doseFor(intervention, weight, concentration);
  const id = `${formId}-calculator`;
  return (
    <section className="dose-calculator" aria-labelledby={`${id}-title`}>
      <h5 id={`${id}-title`}>Dose calculator ({protocolId})</h5>
      <p>
        {formatCount(intervention.dosePerKg)} {intervention.unit} per kg of body weight, within{' '}
        {intervention.tolerancePercent}%.
      </p>
      <div className="record-field">
        <label htmlFor={`${id}-concentration`}>
          Concentration of the lot ({intervention.unit}/mL, for the volume)
        </label>
        <input
          id={`${id}-concentration`}
          inputMode="decimal"
          value={concentration}
          onChange={(e) => setConcentration(e.target.value)}
        />
      </div>
      <div role="status" className="dose-status">
        {dose.kind === 'empty' && <p>Type the body weight to compute the dose.</p>}
        {dose.kind === 'problem' && <p className="field-error">{dose.text}</p>}
        {dose.kind === 'plan' && (
          <dl className="dose-result">
            <dt>Dose</dt>
            <dd>
              {dose.weightKg} kg × {formatCount(intervention.dosePerKg)}/kg ={' '}
              <strong>
                {formatCount(dose.total)} {dose.unit}
              </strong>
            </dd>
            <dt>Accepted</dt>
            <dd>
              {formatCount(dose.allowedRange[0])} to {formatCount(dose.allowedRange[1])} {dose.unit}
            </dd>
            <dt>Volume</dt>
            <dd>
              {dose.volumeMl === null
                ? "type the lot's concentration to compute it"
                : `${volumeText(dose.volumeMl)} mL`}
            </dd>
          </dl>
        )}
      </div>
      {dose.kind === 'plan' && (
        <button
          type="button"
          className="secondary"
          onClick={() =>
            set({
              cellsPerKg: String(intervention.dosePerKg),
              // Cells are counted whole: 44.3 x 2e6 is 88,600,000, not 88,599,999.99999999.
              totalCells: String(Math.round(dose.total)),
              ...(dose.volumeMl === null ? {} : { volumeMl: volumeText(dose.volumeMl) }),
            })
          }
        >
          Use this dose
        </button>
      )}
    </section>
  );
}
