/**
 * A subject's site transfers, and for a data manager (`subject.transfer`) the form that moves the
 * subject to another site of the study with a reason (issue 18; docs/data-management.md, "Sites
 * and transfers"). Who sees the subject follows the site.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { api, messageOf, type Study } from '../../api/client';
import type { components } from '../../api/schema.generated';
import { Problem } from '../forms';
import { may, useStudyAccess } from '../review/use-study-access';
import './data-management.css';

type Transfer = components['schemas']['SubjectTransfer'];

export function TransferSubject({
  studyId,
  subjectId,
  site,
  onTransferred,
}: {
  readonly studyId: string;
  readonly subjectId: string;
  readonly site: string;
  readonly onTransferred: () => void;
}) {
  const access = useStudyAccess(studyId);
  const [transfers, setTransfers] = useState<readonly Transfer[]>([]);
  const [study, setStudy] = useState<Study | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  const [toSite, setToSite] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [reads, setReads] = useState(0);
  const mayTransfer = may(access, 'subject.transfer', site);

  useEffect(() => {
    void reads;
    const path = { studyId, subjectId };
    void Promise.all([
      api.GET('/api/v1/studies/{studyId}/subjects/{subjectId}/transfers', { params: { path } }),
      api.GET('/api/v1/studies/{studyId}/subjects/{subjectId}', { params: { path } }),
      api.GET('/api/v1/studies'),
    ]).then(([listed, subject, studies]) => {
      setTransfers(listed.data?.transfers ?? []);
      setVersion(subject.data?.subject.version ?? null);
      setStudy(studies.data?.studies.find((s) => s.studyId === studyId) ?? null);
    });
  }, [studyId, subjectId, reads]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const { error } = await api.POST('/api/v1/studies/{studyId}/subjects/{subjectId}/transfer', {
      params: {
        path: { studyId, subjectId },
        header: { 'if-match': String(version ?? '') },
      },
      body: { toSite, reason },
    });
    if (error) {
      setProblem(messageOf(error));
      return;
    }
    setReason('');
    setToSite('');
    setReads((n) => n + 1);
    onTransferred();
  };

  if (!mayTransfer && transfers.length === 0) return null;
  const others = (study?.sites ?? []).filter((s) => s.code !== site);
  return (
    <section aria-labelledby="transfer-title">
      <h2 id="transfer-title">Site</h2>
      <p>
        Followed at site <strong>{site}</strong>.
      </p>
      {transfers.length > 0 && (
        <ul>
          {transfers.map((t) => (
            <li key={t.transferNo}>
              {t.transferredAt.slice(0, 10)}: moved from {t.fromSite} to {t.toSite} by{' '}
              {t.transferredBy.name} ({t.reason})
            </li>
          ))}
        </ul>
      )}
      {mayTransfer && others.length > 0 && (
        <form className="transfer-form" onSubmit={submit}>
          <label htmlFor="transfer-site">Transfer to site</label>
          <select id="transfer-site" value={toSite} onChange={(e) => setToSite(e.target.value)}>
            <option value="">Choose a site</option>
            {others.map((s) => (
              <option key={s.code} value={s.code}>
                {s.name ?? s.code}
              </option>
            ))}
          </select>
          <label htmlFor="transfer-reason">Reason for the transfer</label>
          <textarea
            id="transfer-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <Problem text={problem} />
          <button type="submit" disabled={toSite === '' || reason.trim() === ''}>
            Transfer subject
          </button>
        </form>
      )}
    </section>
  );
}
