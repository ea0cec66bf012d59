/**
 * Record entry on the subject's page: infusions (with the dose calculator), adverse events and
 * medications, each part present only where the role policy (@jia-trial/dictionary
 * ROLE_POLICIES) gives its write permission at the subject's site: infusion.write for
 * infusions (no nurse), clinical.write for the rest. Absent, not disabled: the server refuses
 * anyway. After a save the stored records and the page's status are read again, so that a
 * serious AE's SAE_REPORT_DUE shows among the alerts at once.
 */
import { useCallback, useState } from 'react';
import { Problem } from '../forms';
import { AdverseEventEntry } from './AdverseEventEntry';
import { InfusionEntry } from './InfusionEntry';
import { MedicationEntry } from './MedicationEntry';
import { readStoredRow, useStoredRecords } from './use-stored-records';
import './records.css';

export function RecordEntry({
  studyId,
  subjectId,
  onSaved,
}: {
  readonly studyId: string;
  readonly subjectId: string;
  /** The page's own re-read (the status and its alerts). */
  readonly onSaved: () => void;
}) {
  const { load, reload } = useStoredRecords(studyId, subjectId);
  const [saved, setSaved] = useState('');
  const saveDone = useCallback(
    (text: string) => {
      setSaved(text);
      reload();
      onSaved();
    },
    [reload, onSaved],
  );
  if (load.kind === 'loading') return null;
  if (load.kind === 'problem') return <Problem text={load.text} />;
  const records = load.value;
  const { clinicalWrite, infusionWrite } = records.abilities;
  if (!clinicalWrite && !infusionWrite) return null;
  const read = (list: 'infusions' | 'adverseEvents' | 'medications') => (rowId: string) =>
    readStoredRow(studyId, subjectId, list, rowId);
  return (
    <section aria-labelledby="record-entry-title" className="record-entry">
      <h2 id="record-entry-title">Record entry</h2>
      <p role="status" className="record-saved">
        {saved}
      </p>
      {infusionWrite && (
        <section aria-labelledby="infusion-entry-title">
          <h3 id="infusion-entry-title">Infusions</h3>
          <InfusionEntry
            studyId={studyId}
            subjectId={subjectId}
            protocolId={records.protocolId}
            readStored={read('infusions')}
            onSaved={saveDone}
          />
        </section>
      )}
      {clinicalWrite && (
        <>
          <section aria-labelledby="ae-entry-title">
            <h3 id="ae-entry-title">Adverse events</h3>
            <AdverseEventEntry
              studyId={studyId}
              subjectId={subjectId}
              rows={records.adverseEvents}
              readStored={read('adverseEvents')}
              onSaved={saveDone}
            />
          </section>
          <section aria-labelledby="medication-entry-title">
            <h3 id="medication-entry-title">Medications</h3>
            <MedicationEntry
              studyId={studyId}
              subjectId={subjectId}
              rows={records.medications}
              readStored={read('medications')}
              onSaved={saveDone}
            />
          </section>
        </>
      )}
    </section>
  );
}
