/**
 * Medications: the stored ones, each stopped or corrected by its row id (`PUT
 * .../medications/{rowId}`: the drug and start day, its natural key, may be what is corrected),
 * with If-Match and a reason; and a new one (`POST .../medications`).
 */
import { CorrectableRecords, type RecordListProps } from './CorrectableRecords';

const KEYS = ['drug', 'drugClass', 'startDate', 'stopDate', 'stopReason'];

export function MedicationEntry(props: RecordListProps) {
  return (
    <CorrectableRecords
      {...props}
      type="medication"
      formPrefix="medication"
      caption="Medications recorded"
      listed={KEYS}
      keys={KEYS}
      correctionKeys={KEYS}
      action="Stop or correct"
      idOf={(row) => row.rowId}
      correctionTitle={(target) =>
        `Stop or correct ${String(target.stored.record.drug ?? 'the medication')}`
      }
      newTitle="Record a medication"
    />
  );
}
