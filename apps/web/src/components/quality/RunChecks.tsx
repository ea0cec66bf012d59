/**
 * "Run checks": the study's data-quality rules over the stored data of the user's sites, on
 * demand (POST /studies/{studyId}/quality/check, `quality.check`; the caller shows it only to a
 * role holding it). The protocol is evaluated on the server's today, as the subject's status is.
 */
import { useState } from 'react';
import { api, messageOf } from '../../api/client';
import { Problem } from '../forms';
import { type CheckSummary, summaryText } from './quality-data';

export function RunChecks({
  studyId,
  onChecked,
}: {
  readonly studyId: string;
  readonly onChecked: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [summary, setSummary] = useState<CheckSummary | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setProblem(null);
    const { data, error } = await api.POST('/api/v1/studies/{studyId}/quality/check', {
      params: { path: { studyId } },
      body: {},
    });
    setBusy(false);
    if (!data) {
      setProblem(`The checks did not run: ${messageOf(error)}.`);
      return;
    }
    setSummary(data);
    onChecked();
  };

  return (
    <div className="run-checks">
      <p className="actions">
        <button type="button" onClick={run} disabled={busy}>
          {busy ? 'Checking…' : 'Run checks'}
        </button>
        <span className="hint">
          Checks every subject of your sites now (after an import, a change of the rules, or a visit
          missed by the passing of time).
        </span>
      </p>
      <p role="status" className="check-summary">
        {summary ? summaryText(summary) : ''}
      </p>
      <Problem text={problem} />
    </div>
  );
}
