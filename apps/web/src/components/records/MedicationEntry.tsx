/**
 * Medications: the stored ones, each stopped or corrected by its row id (`PUT
 * .../medications/{rowId}`: the drug and start day, its natural key, may be what is corrected),
 * with If-Match and a reason; and a new one (`POST .../medications`). The dose and route are
 * asked of each; the joints only of an intra-articular injection.
 */
import { CorrectableRecords, type RecordListProps } from './CorrectableRecords';
import type { FormValues } from './record-form';

const KEYS = [
  'drug',
  'drugClass',
  'doseMg',
  'route',
  'jointCodes',
  'startDate',
  'stopDate',
  'stopReason',
];
/** The list leaves out the joints, shown with the injection's correction. */
const LISTED = KEYS.filter((k) => k !== 'jointCodes');
/** The joints are asked only of an intra-articular injection (an intercurrent event, ADR 0023). */
const SHOWN_WHEN = { jointCodes: (v: FormValues) => v.route === 'intra_articular' };

export function MedicationEntry(props: RecordListProps) {
  return (
    <CorrectableRecords
      {...props}
      type="medication"
      formPrefix="medication"
      caption="Medications recorded"
      listed={LISTED}
      keys={KEYS}
      action="Stop or correct"
      idOf={(row) => row.rowId}
      correctionTitle={(target) =>
        `Stop or correct ${String(target.stored.record.drug ?? 'the medication')}`
      }
      newTitle="Record a medication"
      shownWhen={SHOWN_WHEN}
    />
  );
}
