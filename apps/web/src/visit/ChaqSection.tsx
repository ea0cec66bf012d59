/**
 * The CHAQ: its 30 items in their 8 domains (the outcome library's CHAQ_DOMAINS; the item names
 * are the dictionary's code-list labels), each answered 0-3 or not applicable, each with whether
 * an aid, device or another person's help was used, and the disability index as the library
 * scores it (Singh 1994; definitions.md section 5). A stored answer cannot be emptied: the API
 * corrects records, it does not delete them.
 */
import { CODE_LISTS } from '@jia-trial/dictionary';
import { CHAQ_DOMAIN_CODES, CHAQ_DOMAINS } from '@jia-trial/outcomes';
import type { ChaqValues } from './visit-form';

const ITEM_LABEL = new Map(CODE_LISTS.chaq_item.codes.map((c) => [c.code, c.label]));
const ANSWERS: readonly (readonly [string, string])[] = [
  ['0', '0: without any difficulty'],
  ['1', '1: with some difficulty'],
  ['2', '2: with much difficulty'],
  ['3', '3: unable to do'],
  ['na', 'Not applicable'],
];

export function ChaqSection({
  chaq,
  storedItems,
  errors,
  onChange,
}: {
  readonly chaq: Readonly<Record<string, ChaqValues>>;
  readonly storedItems: ReadonlySet<string>;
  readonly errors: Readonly<Record<string, string>>;
  readonly onChange: (item: string, values: ChaqValues) => void;
}) {
  return (
    <fieldset className="visit-group chaq">
      <legend>CHAQ (answers for the past week)</legend>
      {CHAQ_DOMAIN_CODES.map((domain) => (
        <fieldset key={domain} className="chaq-domain">
          <legend>{CHAQ_DOMAINS[domain].name}</legend>
          {CHAQ_DOMAINS[domain].items.map((item) => {
            const typed = chaq[item] ?? { score: '', aidOrHelp: false };
            const label = ITEM_LABEL.get(item) ?? item;
            const error = errors[item];
            return (
              <div key={item} className="chaq-item">
                <label htmlFor={`chaq-${item}`}>{label}</label>
                <select
                  id={`chaq-${item}`}
                  value={typed.score}
                  onChange={(e) => onChange(item, { ...typed, score: e.target.value })}
                  {...(error
                    ? { 'aria-describedby': `chaq-${item}-error`, 'aria-invalid': true }
                    : {})}
                >
                  {storedItems.has(item) ? null : <option value="">Not answered</option>}
                  {ANSWERS.map(([value, text]) => (
                    <option key={value} value={value}>
                      {text}
                    </option>
                  ))}
                </select>
                <label className="chaq-aid">
                  <input
                    type="checkbox"
                    checked={typed.aidOrHelp}
                    onChange={(e) => onChange(item, { ...typed, aidOrHelp: e.target.checked })}
                  />
                  Aid, device or help: {label}
                </label>
                {error ? (
                  <span id={`chaq-${item}-error`} className="field-error">
                    {error}
                  </span>
                ) : null}
              </div>
            );
          })}
        </fieldset>
      ))}
    </fieldset>
  );
}
