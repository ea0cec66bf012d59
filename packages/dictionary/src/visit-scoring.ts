/**
 * A stored visit's scores against the visit it is compared with: the one scoring of the server
 * (saveVisit, getSubject) and of the browser's visit form, so that what a form shows live is
 * what the server stores and returns (apps/web/tests/visit-scores.test.ts compares the two on
 * every demo visit). Pure: values in, scores out.
 *
 * The reference is the visit's named baseline or, naming none, its subject's earliest other
 * visit (by date, then id: save_visit's order, migrations/0007), which is no baseline when it is
 * later than the visit. Scores are computed on values in standard units (lab-values.ts) by the
 * outcome library's scoreVisit; the explanations (which criterion is met or missing) come from
 * each measure's own rich function, which visit-scores.test.ts in @jia-trial/outcomes checks
 * against scoreVisit's values.
 */
import {
  classifyJadas,
  classifyVisitForMas,
  countActiveJointCodes,
  type DiseaseActivityBand,
  evaluateFlare,
  evaluateInactiveDisease,
  type FlareResult,
  type InactiveDiseaseResult,
  type JiaAcrResult,
  type Mas2016Result,
  type MsScoreResult,
  scoreJiaAcr,
  scoreVisit,
  scoreVisitMsScore,
  type VisitObservation,
  type VisitScores,
} from '@jia-trial/outcomes';
import { standardised } from './lab-values.js';
import { isMissingCode, type MissingCode, missingFieldKey } from './missing-codes.js';
import { recordType, VISIT_FIELDS_ACCEPTING_MISSING_CODES } from './records.js';

/** The keys of the visit fields that accept a missing-data code (`esr`, `physicianGlobal`). */
export type VisitKeyAcceptingMissingCode =
  | 'physicianGlobal'
  | 'parentGlobal'
  | 'chaqDi'
  | 'activeJoints'
  | 'limitedJoints'
  | 'esr'
  | 'crp'
  | 'morningStiffnessMinutes'
  | 'systemicFeatures'
  | 'activeUveitis'
  | 'fever'
  | 'ferritin'
  | 'platelets'
  | 'ast'
  | 'triglycerides'
  | 'fibrinogen'
  | 'ldh'
  | 'cnsInvolvement'
  | 'haemorrhagicManifestations';

/** A visit's missing-data codes, one companion property per field that accepts one (ADR 0040). */
export type VisitMissingCodes = {
  readonly [K in VisitKeyAcceptingMissingCode as `${K}Missing`]?: MissingCode | null;
};

/**
 * A visit as entered: one property per field of the dictionary's visit record, numbers as
 * numbers, dates as YYYY-MM-DD, the active joints as one `;`-separated list (as stored). A
 * laboratory value is in the unit its unit property names (absent or null: the standard unit).
 */
export interface VisitRecord extends VisitObservation, VisitMissingCodes {
  readonly visitId: string;
  readonly subjectId: string;
  readonly visitDate: string;
  readonly baselineVisitId?: string | null;
  readonly activeJointCodes?: string | null;
  readonly crpUnit?: string | null;
  readonly ferritinUnit?: string | null;
  readonly plateletsUnit?: string | null;
  readonly astUnit?: string | null;
  readonly triglyceridesUnit?: string | null;
  readonly fibrinogenUnit?: string | null;
}

/**
 * The observations the scores read: laboratory values in standard units and, as the visits
 * reader of `jia-trial score` reads them (timelines.ts, visitObservationOf), the active joints
 * of the JADAS-27 subset counted from the listed active joints (0 when no joint is active).
 * Without it JADAS-27 could never be scored from a stored visit, which keeps no 27-joint count.
 */
export function scoredObservation(visit: VisitRecord): VisitObservation {
  const observation = standardised(visit);
  if (observation.activeJoints27 != null) return observation;
  const codes = visit.activeJointCodes;
  const active27 = codes
    ? countActiveJointCodes(codes.split(';')).active27
    : visit.activeJoints === 0
      ? 0
      : null;
  return active27 === null ? observation : { ...observation, activeJoints27: active27 };
}

/** Whether `reference` really is the visit's baseline (an implicit one must not be later). */
function isBaseline(visit: VisitRecord, reference: VisitRecord | null): reference is VisitRecord {
  const implicitLater =
    !visit.baselineVisitId && reference !== null && reference.visitDate > visit.visitDate;
  return reference !== null && !implicitLater;
}

/**
 * The visit `visit` is compared with, among its subject's visits in (date, id) order: its named
 * baseline, or the first other visit. Null when there is none.
 */
export function referenceVisitOf<T extends { readonly visitId: string }>(
  visit: Pick<VisitRecord, 'visitId' | 'baselineVisitId'>,
  visitsInOrder: readonly T[],
): T | null {
  const named = visit.baselineVisitId;
  return (
    (named
      ? visitsInOrder.find((other) => other.visitId === named)
      : visitsInOrder.find((other) => other.visitId !== visit.visitId)) ?? null
  );
}

/**
 * A visit's scores in standard units against `reference` (referenceVisitOf): saveVisit scores a
 * visit so on saving it, getSubject every visit it reads, and the visit form while it is filled.
 */
export function scoreAgainstReference(
  visit: VisitRecord,
  reference: VisitRecord | null,
): VisitScores {
  return scoreVisit(
    scoredObservation(visit),
    isBaseline(visit, reference) ? scoredObservation(reference) : null,
  );
}

/** Why each verdict of scoreAgainstReference is what it is, as the measures report it. */
export interface VisitScoreReasons {
  /** The cJADAS-10 band by the same cut-offs as the JADAS-10 band (null: no band). */
  readonly cjadas10Band: DiseaseActivityBand | null;
  /** Null on a visit without a baseline. */
  readonly jiaAcr: JiaAcrResult | null;
  readonly flare: FlareResult | null;
  readonly inactiveDisease: InactiveDiseaseResult;
  /** Null for a non-systemic or unknown category (scoreVisit gives no MAS verdict then). */
  readonly mas2016: Mas2016Result | null;
  /**
   * The MS score with the inputs it lacks (`missing`: e.g. ldh, cnsInvolvement), so that a
   * form can say what to record; null for a non-systemic or unknown category.
   */
  readonly msScore: MsScoreResult | null;
  /**
   * Why the inputs the explanations call missing are empty, where a missing-data code says so:
   * by input key (`esr`), the visit's own code, or the reference visit's when only it has one
   * (`at: 'reference'`: JIA-ACR and flare read both). An input left blank is not listed.
   */
  readonly missingCodes: Readonly<Record<string, MissingInputCode>>;
}

/** A missing input's code, and whether the visit or its reference holds it. */
export interface MissingInputCode {
  readonly code: MissingCode;
  readonly at: 'visit' | 'reference';
}

/** The visit fields with their companion code field's key, by the visit field's key. */
const CODED_KEYS: readonly (readonly [string, string])[] = VISIT_FIELDS_ACCEPTING_MISSING_CODES.map(
  (name) => {
    const field = recordType('visit').fields.find((f) => f.name === name);
    if (!field) throw new RangeError(`visit has no field ${name}`);
    return [field.key, missingFieldKey(field.key)] as const;
  },
);

/**
 * The missing-data codes of a visit's fields and of its reference's, by field key: the visit's
 * own code first. The scores never read a code (the field is simply missing to them); this only
 * says why it is missing. A derived input (`acutePhaseReactant`: ESR or CRP) is named by the
 * explanations under its own name; its fields' codes are listed under theirs.
 */
export function missingCodesOf(
  visit: VisitRecord,
  reference: VisitRecord | null,
): Record<string, MissingInputCode> {
  const out: Record<string, MissingInputCode> = {};
  const codeOf = (record: VisitRecord, key: string) =>
    (record as unknown as Readonly<Record<string, unknown>>)[key];
  for (const [key, codeKey] of CODED_KEYS) {
    const own = codeOf(visit, codeKey);
    const theirs = reference ? codeOf(reference, codeKey) : null;
    if (isMissingCode(own)) out[key] = { code: own, at: 'visit' };
    else if (isMissingCode(theirs)) out[key] = { code: theirs, at: 'reference' };
  }
  return out;
}

/**
 * The explanations of scoreAgainstReference's verdicts, with the options scoreVisit uses by
 * default (Consolaro cut-offs, Wallace 2011 criteria, withdrawal-trial flare).
 */
export function explainAgainstReference(
  visit: VisitRecord,
  reference: VisitRecord | null,
): VisitScoreReasons {
  const current = scoredObservation(visit);
  const baseline = isBaseline(visit, reference) ? scoredObservation(reference) : null;
  const scores = scoreVisit(current, baseline);
  const category = current.ilarCategory ?? null;
  return {
    cjadas10Band:
      scores.cjadas10 === null || category === null
        ? null
        : classifyJadas(
            scores.cjadas10,
            'cjadas10',
            category,
            'consolaro',
            current.systemicFeatures ?? null,
          ),
    jiaAcr: baseline ? scoreJiaAcr(baseline, current) : null,
    flare: baseline ? evaluateFlare(baseline, current) : null,
    inactiveDisease: evaluateInactiveDisease(current, 'wallace2011'),
    mas2016: category === 'systemic' ? classifyVisitForMas(current) : null,
    msScore: category === 'systemic' ? scoreVisitMsScore(current) : null,
    missingCodes: missingCodesOf(visit, baseline ? reference : null),
  };
}
