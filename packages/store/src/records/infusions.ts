/**
 * Infusions of the study treatment: the dose (cells per kg and in total, for the weight on the
 * day), the product lot and donor, the volume, an infusion reaction, and vital signs before and
 * after. The dose is checked by the protocol engine (assessDose, the rule of `jia-trial dose`): a
 * dose outside the protocol's tolerance is refused, DOSE_REFUSED, with each of the engine's
 * reasons as an issue at the value it is about.
 *
 * A study does not store which protocol it follows (no table holds it): the caller resolves it
 * (@jia-trial/protocols protocolById, as `jia-trial status --protocol` does) and passes it.
 *
 * An infusion's natural key (subject, day) holds the day, which a correction may need to change:
 * a correction names the record by its row id, as a medication's does (medications.ts).
 */
import type { MissingCode } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import { assessDose, type ProtocolDefinition } from '@jia-trial/protocol';
import type { Transaction } from '../transaction.js';
import { correctRecord, createRecord, type RecordCheck } from './record-service.js';
import type { StoredRecord } from './record-texts.js';
import type { SiteScope } from './site-scope.js';

/** An infusion, by the field dictionary's keys (record type infusion). */
export interface InfusionRecord {
  readonly subjectId: string;
  readonly infusionDate: string;
  readonly weightKg: number;
  readonly cellsPerKg: number;
  readonly totalCells: number;
  readonly productLot: string;
  readonly infusionReaction: boolean;
  readonly donorCode?: string | null;
  readonly volumeMl?: number | null;
  readonly preHeartRate?: number | null;
  readonly preSystolicBp?: number | null;
  readonly preDiastolicBp?: number | null;
  readonly preTemperatureC?: number | null;
  readonly preSpo2?: number | null;
  readonly postHeartRate?: number | null;
  readonly postSystolicBp?: number | null;
  readonly postDiastolicBp?: number | null;
  readonly postTemperatureC?: number | null;
  readonly postSpo2?: number | null;
  /**
   * Why a vital sign or a product detail is empty (ADR 0040): `preHeartRateMissing`,
   * `volumeMlMissing`, ... one per field of INFUSION_FIELDS_ACCEPTING_MISSING_CODES.
   */
  readonly [missingCode: `${string}Missing`]: MissingCode | null | undefined;
}

/** What an infusion's dose is checked against: a protocol's id and its intervention. */
export type DosingProtocol = Pick<ProtocolDefinition, 'id' | 'intervention'>;

/** DOSE_REFUSED unless the (valid) infusion's dose is within the protocol's tolerance. */
function doseWithin(protocol: DosingProtocol): RecordCheck {
  return (values) => {
    const intervention = protocol.intervention;
    if (!intervention)
      throw new JiaError(
        'DOSE_REFUSED',
        `dose refused: protocol ${protocol.id} has no intervention to dose, so it records no infusion`,
      );
    const { problems } = assessDose(intervention, values as unknown as InfusionRecord);
    if (problems.length > 0)
      throw new JiaError(
        'DOSE_REFUSED',
        `dose refused: ${problems.map((p) => p.message).join('; ')}`,
        { issues: problems.map((p) => ({ path: p.field, message: p.message })) },
      );
  };
}

/** Records an infusion of a subject at one of the caller's sites, its dose checked by `protocol`. */
export function createInfusion(
  tx: Transaction,
  studyId: string,
  infusion: InfusionRecord,
  protocol: DosingProtocol,
  sites: SiteScope,
): Promise<StoredRecord<InfusionRecord>> {
  return createRecord(tx, studyId, 'infusion', infusion, sites, doseWithin(protocol));
}

/**
 * Replaces the infusion with row id `rowId` (at version `basedOnVersion`) by `infusion`, its
 * dose checked by `protocol` again. Needs the transaction's reason.
 */
export function correctInfusion(
  tx: Transaction,
  studyId: string,
  rowId: string,
  infusion: InfusionRecord,
  basedOnVersion: number,
  protocol: DosingProtocol,
  sites: SiteScope,
): Promise<StoredRecord<InfusionRecord>> {
  return correctRecord(
    tx,
    studyId,
    'infusion',
    { rowId },
    infusion,
    basedOnVersion,
    sites,
    doseWithin(protocol),
  );
}
