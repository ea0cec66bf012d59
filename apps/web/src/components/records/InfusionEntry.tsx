/**
 * Recording an infusion (`POST /studies/{studyId}/infusions`, permission infusion.write: the
 * investigator, never the nurse; docs/roles.md), with the dose calculator beside the fields. A
 * dose outside the protocol's tolerance is refused by the server (422 DOSE_REFUSED) with the
 * engine's reasons as issues at weightKg / totalCells / cellsPerKg: shown under those fields,
 * with the typed values kept.
 */
import { DoseCalculator } from './DoseCalculator';
import { interventionOf } from './dose-plan';
import { RecordEditor } from './RecordEditor';
import { emptyValues } from './record-form';
import type { StoredRow } from './use-stored-records';

const KEYS = [
  'infusionDate',
  'weightKg',
  'cellsPerKg',
  'totalCells',
  'volumeMl',
  'productLot',
  'donorCode',
  'viabilityPct',
  'passage',
  'productState',
  'infusionReaction',
] as const;

export function InfusionEntry({
  studyId,
  subjectId,
  protocolId,
  readStored,
  onSaved,
}: {
  readonly studyId: string;
  readonly subjectId: string;
  readonly protocolId: string | null;
  readonly readStored: (rowId: string) => Promise<StoredRow | null>;
  readonly onSaved: (text: string) => void;
}) {
  const intervention = interventionOf(protocolId);
  const formId = 'infusion-new';
  return (
    <RecordEditor
      type="infusion"
      formId={formId}
      title="Record an infusion"
      studyId={studyId}
      subjectId={subjectId}
      keys={KEYS}
      initial={emptyValues('infusion')}
      target={null}
      readStored={readStored}
      onSaved={onSaved}
      aside={(values, set) =>
        intervention && protocolId ? (
          <DoseCalculator
            formId={formId}
            protocolId={protocolId}
            intervention={intervention}
            values={values}
            set={set}
          />
        ) : (
          <p className="dose-calculator">
            The study's protocol has no dose to compute: the server will refuse an infusion.
          </p>
        )
      }
    />
  );
}
