/**
 * The list's filters, as GET /discrepancies takes them: site, subject, status, rule kind and
 * rule. Each is a labelled list; choosing one reads the list again from its first page (the
 * page itself stays: WCAG 3.2.2 allows a change that moves no focus and opens no page).
 */
import { useId } from 'react';
import {
  type DiscrepancyFilter,
  type DiscrepancyKind,
  type DiscrepancyStatus,
  KIND_TEXT,
  NO_FILTER,
  STATUS_TEXT,
} from './quality-data';

function Choice({
  label,
  value,
  any,
  options,
  onValue,
}: {
  readonly label: string;
  readonly value: string;
  readonly any: string;
  readonly options: ReadonlyArray<{ value: string; label: string }>;
  readonly onValue: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="choice">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onValue(e.target.value)}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function DiscrepancyFilters({
  filter,
  sites,
  subjects,
  ruleIds,
  onFilter,
}: {
  readonly filter: DiscrepancyFilter;
  readonly sites: readonly string[];
  /** The subjects the user may see, with their site. */
  readonly subjects: ReadonlyArray<{ subjectId: string; site: string }>;
  readonly ruleIds: readonly string[];
  readonly onFilter: (filter: DiscrepancyFilter) => void;
}) {
  const set = (change: Partial<DiscrepancyFilter>) => onFilter({ ...filter, ...change, page: 1 });
  const listed = subjects.filter((s) => filter.site === '' || s.site === filter.site);
  return (
    <search className="dq-filters" aria-label="Filter the discrepancies">
      <Choice
        label="Site"
        any="All sites"
        value={filter.site}
        options={sites.map((s) => ({ value: s, label: s }))}
        // A subject of another site would match nothing: the subject is chosen again.
        onValue={(site) => set({ site, subjectId: '' })}
      />
      <Choice
        label="Subject"
        any="All subjects"
        value={filter.subjectId}
        options={listed.map((s) => ({ value: s.subjectId, label: s.subjectId }))}
        onValue={(subjectId) => set({ subjectId })}
      />
      <Choice
        label="Status"
        any="Any status"
        value={filter.status}
        options={Object.entries(STATUS_TEXT).map(([value, label]) => ({ value, label }))}
        onValue={(status) => set({ status: status as DiscrepancyStatus | '' })}
      />
      <Choice
        label="Kind of rule"
        any="Any kind"
        value={filter.kind}
        options={Object.entries(KIND_TEXT).map(([value, label]) => ({ value, label }))}
        onValue={(kind) => set({ kind: kind as DiscrepancyKind | '' })}
      />
      <Choice
        label="Rule"
        any="Any rule"
        value={filter.ruleId}
        options={ruleIds.map((r) => ({ value: r, label: r }))}
        onValue={(ruleId) => set({ ruleId })}
      />
      <p className="actions">
        <button type="button" className="secondary" onClick={() => onFilter(NO_FILTER)}>
          Show all
        </button>
      </p>
    </search>
  );
}
