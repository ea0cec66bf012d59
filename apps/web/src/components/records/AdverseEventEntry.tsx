/**
 * Adverse events: the stored ones, each correctable (`PUT .../adverse-events/{aeId}` with
 * If-Match and a reason), and a new one (`POST .../adverse-events`). The seriousness criteria
 * (ICH E2A) are asked only of a serious event and sent as an array of codes. A serious event
 * raises SAE_REPORT_DUE at once: the page reads the status again after every save.
 */
import { CorrectableRecords, type RecordListProps } from './CorrectableRecords';
import { emptyValues, type FormValues } from './record-form';

const KEYS = [
  'aeId',
  'term',
  'onsetDate',
  'awarenessDate',
  'grade',
  'serious',
  'seriousnessCriteria',
  'related',
  'outcome',
  'actionTaken',
  'resolutionDate',
];
/** The identifier is the record's key (its PUT path): a correction keeps it. */
const CORRECTION_KEYS = KEYS.filter((k) => k !== 'aeId');
const LISTED = ['aeId', 'term', 'onsetDate', 'grade', 'serious', 'outcome'];
const SHOWN_WHEN = { seriousnessCriteria: (v: FormValues) => v.serious === 'true' };

export function AdverseEventEntry(props: RecordListProps) {
  return (
    <CorrectableRecords
      {...props}
      type="adverse_event"
      formPrefix="ae"
      caption="Adverse events recorded"
      listed={LISTED}
      keys={KEYS}
      correctionKeys={CORRECTION_KEYS}
      action="Correct"
      idOf={(row) => String(row.record.aeId ?? '')}
      correctionTitle={(target) => `Correct adverse event ${target.id}`}
      newTitle="Record an adverse event"
      // A proposal only: ids are unique in the study, and the server says so if it is taken.
      newInitial={{
        ...emptyValues('adverse_event'),
        aeId: `${props.subjectId}-AE${props.rows.length + 1}`,
      }}
      shownWhen={SHOWN_WHEN}
    />
  );
}
