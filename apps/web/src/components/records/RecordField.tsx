/**
 * One field of a record, drawn from its dictionary definition: its label (with its unit), the
 * control its type calls for (a list of the code list's labels, yes/no, boxes for a list of
 * codes) and, right under it, what was said about it (the server's issues or the form's own),
 * tied to the control by aria-describedby so a screen reader reads it with the field.
 */
import {
  type FieldDefinition,
  MISSING_CODE_LABELS,
  MISSING_CODES,
  missingFieldKey,
} from '@jia-trial/dictionary';
import type { ReactNode } from 'react';
import { optionsOf } from './record-form';

export interface RecordFieldProps {
  /** Unique on the page: the form's id. */
  readonly formId: string;
  readonly field: FieldDefinition;
  readonly value: string | readonly string[];
  readonly errors: readonly string[] | undefined;
  readonly onValue: (value: string | readonly string[]) => void;
  /** Words under the label (how a value is computed, what an empty field means). */
  readonly hint?: ReactNode;
  /** The field's missing-data code (ADR 0040), for a field that accepts one. */
  readonly missingCode?: string;
  readonly onMissingCode?: (code: string) => void;
}

/**
 * The compact "why empty?" choice beside a blank field that accepts a missing-data code (ADR
 * 0040), as on the visit form (visit/VisitFields.tsx): not done, not applicable, unknown, asked
 * but unknown. A value typed later wins and the code is dropped (bodyOfValues).
 */
function WhyEmpty({
  field,
  blank,
  code = '',
  onCode,
}: {
  readonly field: FieldDefinition;
  /** Only a blank field is offered the choice. */
  readonly blank: boolean;
  readonly code?: string | undefined;
  readonly onCode?: ((code: string) => void) | undefined;
}) {
  if (!field.missingField || !onCode || !blank) return null;
  return (
    <select
      className={code ? 'why-empty why-empty-set' : 'why-empty'}
      aria-label={`Why ${field.label} is empty`}
      data-why-empty={missingFieldKey(field.key)}
      value={code}
      onChange={(e) => onCode(e.target.value)}
    >
      <option value="">why empty?</option>
      {MISSING_CODES.map((c) => (
        <option key={c} value={c}>
          {MISSING_CODE_LABELS[c]}
        </option>
      ))}
    </select>
  );
}

const labelOf = (field: FieldDefinition) =>
  field.unit ? `${field.label} (${field.unit.symbol})` : field.label;

export function RecordField({
  formId,
  field,
  value,
  errors,
  onValue,
  hint,
  missingCode,
  onMissingCode,
}: RecordFieldProps) {
  const id = `${formId}-${field.key}`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, errors?.length ? errorId : null]
    .filter(Boolean)
    .join(' ');
  const aria = {
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(errors?.length ? { 'aria-invalid': true } : {}),
  };
  const text = typeof value === 'string' ? value : '';
  const whyEmpty = (
    <WhyEmpty field={field} blank={text === ''} code={missingCode} onCode={onMissingCode} />
  );
  const under = (
    <>
      {hint && (
        <span id={hintId} className="record-hint">
          {hint}
        </span>
      )}
      {errors?.length ? (
        <span id={errorId} className="field-error">
          {errors.join('; ')}
        </span>
      ) : null}
    </>
  );

  if (field.type === 'codes' || field.type === 'boolean') {
    const choices =
      field.type === 'boolean'
        ? [
            { code: 'true', label: 'Yes' },
            { code: 'false', label: 'No' },
          ]
        : optionsOf(field);
    const ticked = Array.isArray(value) ? value : [];
    return (
      <fieldset className="record-field record-choices" {...aria}>
        <legend>{labelOf(field)}</legend>
        {field.type === 'boolean'
          ? choices.map((c) => (
              <label key={c.code}>
                <input
                  type="radio"
                  name={id}
                  value={c.code}
                  checked={text === c.code}
                  required={field.required}
                  onChange={() => onValue(c.code)}
                />{' '}
                {c.label}
              </label>
            ))
          : choices.map((c) => (
              <label key={c.code}>
                <input
                  type="checkbox"
                  value={c.code}
                  checked={ticked.includes(c.code)}
                  onChange={(e) =>
                    onValue(
                      e.target.checked ? [...ticked, c.code] : ticked.filter((t) => t !== c.code),
                    )
                  }
                />{' '}
                {c.label}
              </label>
            ))}
        {whyEmpty}
        {under}
      </fieldset>
    );
  }

  const options = optionsOf(field);
  return (
    <div className="record-field">
      <label htmlFor={id}>{labelOf(field)}</label>
      {options.length > 0 ? (
        <select
          id={id}
          value={text}
          required={field.required}
          onChange={(e) => onValue(e.target.value)}
          {...aria}
        >
          <option value="">{field.required ? 'Choose…' : 'None'}</option>
          {options.map((c) => (
            <option key={c.code} value={c.code}>
              {c.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          // Text, not the browser's date widget, which shows its locale's form (07/01/2017): dates
          // are written and read in ISO 8601 everywhere in the trial.
          type="text"
          placeholder={field.type === 'date' ? 'YYYY-MM-DD' : undefined}
          inputMode={field.type === 'decimal' || field.type === 'integer' ? 'decimal' : undefined}
          value={text}
          required={field.required}
          onChange={(e) => onValue(e.target.value)}
          {...aria}
        />
      )}
      {whyEmpty}
      {under}
    </div>
  );
}
