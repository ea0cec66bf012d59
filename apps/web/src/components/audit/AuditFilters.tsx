/**
 * The audit trail's filters as one form: nothing is read until "Show" (a reviewer sets several
 * filters, and the trail is not read at each keystroke). Showing puts the filter in the page's
 * location (routes.ts), so that the view can be shared and the back button returns to the last
 * one; the form shows the location's filter again each time the location changes.
 */
import { type FormEvent, useEffect, useId, useState } from 'react';
import {
  filterOf,
  NO_FILTER,
  OPERATIONS,
  queryOf,
  SECURITY_KIND_TEXT,
  TABLES,
  type TrailFilter,
} from './audit-trail';

function Text({
  label,
  value,
  onValue,
  type = 'text',
  list,
  hint,
}: {
  readonly label: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly type?: 'text' | 'date';
  readonly list?: string;
  readonly hint?: string;
}) {
  const id = useId();
  return (
    <div className="choice">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        list={list}
        onChange={(e) => onValue(e.target.value)}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

export function AuditFilters({
  filter,
  sites,
  subjects,
  onFilter,
}: {
  readonly filter: TrailFilter;
  readonly sites: ReadonlyArray<{ code: string; name: string | null }>;
  readonly subjects: readonly string[];
  readonly onFilter: (filter: TrailFilter) => void;
}) {
  const [draft, setDraft] = useState(filter);
  // The location changed (Show, Clear, the back button): the form follows it.
  const shown = queryOf(filter);
  useEffect(() => setDraft(filterOf(shown)), [shown]);
  const ids = useId();
  const set = (change: Partial<TrailFilter>) => setDraft((d) => ({ ...d, ...change }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onFilter(draft);
  };
  return (
    <form className="audit-filters" aria-label="Filter the audit trail" onSubmit={submit}>
      <Text
        label="User"
        value={draft.user}
        onValue={(user) => set({ user })}
        hint="username, or user:12"
      />
      <div className="choice">
        <label htmlFor={`${ids}-site`}>Site</label>
        <select
          id={`${ids}-site`}
          value={draft.site}
          onChange={(e) => set({ site: e.target.value })}
        >
          <option value="">All your sites</option>
          {sites.map((s) => (
            <option key={s.code} value={s.code}>
              {s.name ?? s.code}
            </option>
          ))}
        </select>
      </div>
      <Text
        label="Subject"
        value={draft.subject}
        onValue={(subject) => set({ subject })}
        list={`${ids}-subjects`}
      />
      <datalist id={`${ids}-subjects`}>
        {subjects.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <div className="choice">
        <label htmlFor={`${ids}-table`}>Record type</label>
        <select
          id={`${ids}-table`}
          value={draft.table}
          onChange={(e) => set({ table: e.target.value })}
        >
          <option value="">Any record</option>
          {TABLES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
      <Text
        label="Record key"
        value={draft.key}
        onValue={(key) => set({ key })}
        hint="as the trail writes it: study/D01-W8"
      />
      <div className="choice">
        <label htmlFor={`${ids}-what`}>What happened</label>
        <select
          id={`${ids}-what`}
          value={draft.what}
          onChange={(e) => set({ what: e.target.value })}
        >
          <option value="">Anything</option>
          <optgroup label="Changes to records">
            {OPERATIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Security events">
            {Object.entries(SECURITY_KIND_TEXT).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      <Text label="From (UTC)" type="date" value={draft.from} onValue={(from) => set({ from })} />
      <Text
        label="Until (UTC, included)"
        type="date"
        value={draft.until}
        onValue={(until) => set({ until })}
      />
      <p className="actions">
        <button type="submit">Show</button>
        <button type="button" className="secondary" onClick={() => onFilter(NO_FILTER)}>
          Clear the filters
        </button>
      </p>
    </form>
  );
}
