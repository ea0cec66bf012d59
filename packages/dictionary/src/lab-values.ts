/**
 * A visit's laboratory values as entered and as standardised. A value is entered in any unit of
 * its field's unit list (crp_unit: mg/L or mg/dL; absent: the standard unit) and converted,
 * exactly, by the outcome library's convertLab to the standard unit, in which the scores and the
 * ranges are defined. The entered pair is kept too (the database's <analyte> and <analyte>_unit
 * columns), for thresholds defined per unit, FHIR's valueQuantity and SDTM's original result.
 */
import {
  convertLab,
  LAB_ANALYTES,
  type LabAnalyte,
  type LabUnit,
  type VisitObservation,
} from '@jia-trial/outcomes';
import { fieldOf, recordType } from './records.js';

export interface LabUnitField {
  /** The analyte, which is also the value's field key (`crp`). */
  readonly analyte: LabAnalyte;
  /** The value's and the unit's field names (`crp`, `crp_unit`). */
  readonly name: string;
  readonly unitName: string;
  /** The unit's field key (`crpUnit`). */
  readonly unitKey: string;
}

const VISIT = recordType('visit');

/** The visit's laboratory fields that are entered with a unit. */
export const LAB_UNIT_FIELDS: readonly LabUnitField[] = VISIT.fields.flatMap((field) =>
  field.unitField
    ? [
        {
          analyte: field.key as LabAnalyte,
          name: field.name,
          unitName: field.unitField,
          unitKey: fieldOf(VISIT, field.unitField).key,
        },
      ]
    : [],
);

/** The standard unit of an analyte (the unit its range and the scores are stated in). */
export function standardUnit(analyte: LabAnalyte): string {
  return LAB_ANALYTES[analyte].baseUnit;
}

/** A value entered in `unit` (null or undefined: the standard unit), in the standard unit. */
export function standardValue(
  analyte: LabAnalyte,
  value: number,
  unit: string | null | undefined,
): number {
  const base = LAB_ANALYTES[analyte].baseUnit;
  if (unit === null || unit === undefined || unit === base) return value;
  return convertLab(
    analyte,
    value,
    unit as LabUnit<typeof analyte>,
    base as LabUnit<typeof analyte>,
  );
}

/**
 * A visit record's observations in standard units: each laboratory value entered in another unit
 * converted, everything else as it is.
 */
export function standardised<T extends VisitObservation>(record: T): T {
  let out: T | null = null;
  const fields = record as Readonly<Record<string, unknown>>;
  for (const lab of LAB_UNIT_FIELDS) {
    const unit = fields[lab.unitKey];
    const value = fields[lab.analyte];
    if (typeof unit !== 'string' || typeof value !== 'number') continue;
    out ??= { ...record };
    (out as Record<string, unknown>)[lab.analyte] = standardValue(lab.analyte, value, unit);
  }
  return out ?? record;
}
