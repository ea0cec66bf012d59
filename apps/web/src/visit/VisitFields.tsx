/**
 * The visit's own fields, each labelled with the field dictionary's label and its unit (a fixed
 * unit in the label, a choice of units as a labelled list beside the value), and each with the
 * server's words about it, from `error.issues[].path`, right under it.
 */
import {
  CODE_LISTS,
  type CodeListId,
  type FieldDefinition,
  MISSING_CODE_LABELS,
  MISSING_CODES,
} from '@jia-trial/dictionary';
import { numberOf, TYPED_FIELDS, unitsOf } from './visit-form';

const UNIT_KEYS = new Set(TYPED_FIELDS.filter((f) => f.unitField).map((f) => `${f.key}Unit`));
/** Grouped as the examination runs: the visit, the assessments, the laboratory. */
const GROUPS: readonly { readonly title: string; readonly keys: readonly string[] }[] = [
  { title: 'Visit', keys: ['visitDate', 'baselineVisitId', 'ilarCategory'] },
  {
    title: 'Assessments',
    keys: [
      'physicianGlobal',
      'parentGlobal',
      'morningStiffnessMinutes',
      'systemicFeatures',
      'activeUveitis',
      'fever',
      'cnsInvolvement',
      'haemorrhagicManifestations',
    ],
  },
  {
    title: 'Laboratory',
    keys: ['esr', 'crp', 'ferritin', 'platelets', 'ast', 'triglycerides', 'fibrinogen', 'ldh'],
  },
];

export interface FieldProps {
  readonly values: Readonly<Record<string, string>>;
  readonly errors: Readonly<Record<string, string>>;
  readonly onValue: (key: string, value: string) => void;
  /** The subject's other visits, for the baseline choice. */
  readonly otherVisits: readonly { readonly visitId: string; readonly visitDate: string }[];
  /** How many data queries not closed name each field (the marker beside it; query-data.ts). */
  readonly openQueries: ReadonlyMap<string, number>;
}

export function VisitFields(props: FieldProps) {
  return (
    <>
      {GROUPS.map((group) => (
        <fieldset key={group.title} className="visit-group">
          <legend>{group.title}</legend>
          {group.keys.map((key) => {
            const field = TYPED_FIELDS.find((f) => f.key === key);
            return field && !UNIT_KEYS.has(key) ? (
              <OneField key={key} field={field} {...props} />
            ) : null;
          })}
        </fieldset>
      ))}
    </>
  );
}

/**
 * The compact "why empty?" choice beside a blank field that accepts a missing-data code (ADR
 * 0040): not done, not applicable, unknown, asked but unknown. It sets the field's companion
 * code (`esrMissing`); a value typed later wins and the code is dropped (visitRecordOf). In a
 * read-only form it shows the reason chosen.
 */
export function WhyEmpty({
  codeKey,
  label,
  values,
  onValue,
}: {
  readonly codeKey: string;
  readonly label: string;
  readonly values: FieldProps['values'];
  readonly onValue: FieldProps['onValue'];
}) {
  const code = values[codeKey] ?? '';
  return (
    <select
      className={code ? 'why-empty why-empty-set' : 'why-empty'}
      aria-label={`Why ${label} is empty`}
      data-why-empty={codeKey}
      value={code}
      onChange={(e) => onValue(codeKey, e.target.value)}
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

function ErrorText({ id, text }: { readonly id: string; readonly text: string | undefined }) {
  return text ? (
    <span id={id} className="field-error">
      {text}
    </span>
  ) : null;
}

/** The control of one field: a list for a yes/no, a baseline or a code, else a text input. */
function FieldInput({
  field,
  id,
  value,
  onValue,
  otherVisits,
  described,
}: {
  readonly field: FieldDefinition;
  readonly id: string;
  readonly value: string;
  readonly onValue: FieldProps['onValue'];
  readonly otherVisits: FieldProps['otherVisits'];
  readonly described: Readonly<Record<string, unknown>>;
}) {
  const select = (empty: string, options: readonly (readonly [string, string])[]) => (
    <select
      id={id}
      value={value}
      onChange={(e) => onValue(field.key, e.target.value)}
      {...described}
    >
      <option value="">{empty}</option>
      {options.map(([code, text]) => (
        <option key={code} value={code}>
          {text}
        </option>
      ))}
    </select>
  );
  if (field.type === 'boolean')
    return select('Not recorded', [
      ['yes', 'Yes'],
      ['no', 'No'],
    ]);
  if (field.key === 'baselineVisitId')
    return select(
      "The subject's earliest other visit",
      otherVisits.map((v) => [v.visitId, `${v.visitId} (${v.visitDate})`]),
    );
  if (field.codeList)
    return select(
      'Not recorded',
      CODE_LISTS[field.codeList as CodeListId].codes.map((c) => [c.code, c.label]),
    );
  const numeric =
    field.type === 'decimal' ? 'decimal' : field.type === 'integer' ? 'numeric' : undefined;
  return (
    <input
      id={id}
      // Text, not the browser's date widget, which shows its locale's form (07/01/2017): dates
      // are written and read in ISO 8601 everywhere in the trial.
      type="text"
      placeholder={field.type === 'date' ? 'YYYY-MM-DD' : undefined}
      inputMode={numeric}
      value={value}
      required={field.required}
      onChange={(e) => onValue(field.key, e.target.value)}
      {...described}
    />
  );
}

const SUPERSCRIPT: Readonly<Record<string, string>> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};
/** A unit as it is read: 10^9/L as 10⁹/L (the stored code keeps its caret). */
const unitText = (unit: string) =>
  unit.replace(/\^(\d+)/g, (_, digits: string) => [...digits].map((d) => SUPERSCRIPT[d]).join(''));

function UnitOf({
  field,
  values,
  onValue,
}: {
  readonly field: FieldDefinition;
  readonly values: FieldProps['values'];
  readonly onValue: FieldProps['onValue'];
}) {
  const units = field.unitField ? unitsOf(`${field.key}Unit`) : [];
  const unitKey = `${field.key}Unit`;
  if (units.length > 0)
    return (
      <select
        aria-label={`Unit of ${field.label}`}
        value={values[unitKey] || units[0]}
        onChange={(e) => onValue(unitKey, e.target.value)}
      >
        {units.map((u) => (
          <option key={u} value={u}>
            {unitText(u)}
          </option>
        ))}
      </select>
    );
  return field.unit ? (
    <span className="visit-unit" aria-hidden="true">
      {field.unit.symbol}
    </span>
  ) : null;
}

function OneField({
  field,
  values,
  errors,
  onValue,
  otherVisits,
  openQueries,
}: FieldProps & { readonly field: FieldDefinition }) {
  const id = `visit-${field.key}`;
  const value = values[field.key] ?? '';
  const numeric = field.type === 'integer' || field.type === 'decimal';
  const typedWrong = numeric && Number.isNaN(numberOf(value));
  const error =
    errors[field.key] ?? errors[`${field.key}Unit`] ?? (typedWrong ? 'is not a number' : undefined);
  const queried = openQueries.get(field.key) ?? 0;
  const describedBy = [error ? `${id}-error` : '', queried ? `${id}-query` : '']
    .filter(Boolean)
    .join(' ');
  const described = {
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(error ? { 'aria-invalid': true } : {}),
  };
  // A fixed unit is part of the label; a choice of units is its own labelled list.
  const fixedUnit = field.unit && !field.unitField ? ` (${field.unit.symbol})` : '';
  const dateHint = field.type === 'date' ? ' (YYYY-MM-DD)' : '';
  return (
    <div className="visit-field">
      <label htmlFor={id}>{`${field.label}${fixedUnit}${dateHint}`}</label>
      {queried > 0 && (
        // In words and with a mark, never by colour alone; the threads are with the visit above.
        <span id={`${id}-query`} className="query-flag">
          {queried === 1 ? 'Open query' : `${queried} open queries`} on this field
        </span>
      )}
      <span className="visit-input">
        <FieldInput
          field={field}
          id={id}
          value={value}
          onValue={onValue}
          otherVisits={otherVisits}
          described={described}
        />
        <UnitOf field={field} values={values} onValue={onValue} />
        {field.missingField && value === '' ? (
          <WhyEmpty
            codeKey={`${field.key}Missing`}
            label={field.label}
            values={values}
            onValue={onValue}
          />
        ) : null}
      </span>
      <ErrorText id={`${id}-error`} text={error} />
    </div>
  );
}
