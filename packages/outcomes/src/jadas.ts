/**
 * Juvenile Arthritis Disease Activity Score (Consolaro A, et al. Arthritis Rheum
 * 2009;61:658-66, doi:10.1002/art.24516):
 *
 *   JADAS-n  = PhGA (0-10) + PGA (0-10) + AJC_n + ESR_n,  ESR_n = (clamp(ESR, 20, 120) - 20) / 10
 *   cJADAS-n = PhGA + PGA + AJC_n                          (clinical, three-variable JADAS)
 *
 * AJC_71 counts the 71-joint set, AJC_27 the reduced set (Bazso 2009, doi:10.3899/
 * jrheum.080432), AJC_10 is the count over any joints capped at 10. JADAS-CRP (Nordal 2012,
 * Ann Rheum Dis 71:1122-7) replaces ESR_n by CRP_n = (clamp(CRP mg/L, 10, 110) - 10) / 10; that
 * formula is not printed in any source read so far (docs/clinical/jadas.md). A missing component
 * makes the score missing; nothing is imputed. Sums are taken in micro-units (ADR 0002).
 */
import type { MeasureInfo } from './citations.js';
import { fromMicro, MICRO, toMicro } from './decimal.js';
import { isPresent, type Maybe, type Outcome } from './result.js';

export const jadasMeasure: MeasureInfo = {
  id: 'jadas',
  name: 'JADAS-10/27/71, clinical JADAS and JADAS-CRP',
  citations: ['consolaro2009', 'bazso2009', 'nordal2012'],
};

export type JadasJointCount = 10 | 27 | 71;
/** The acute-phase term: ESR, CRP (JADAS-CRP), or none (clinical JADAS). */
export type JadasReactant = 'esr' | 'crp' | 'none';

export interface JadasInput {
  /** Physician global assessment of disease activity, 0-10. */
  readonly physicianGlobal?: Maybe<number>;
  /** Parent/patient global assessment of well-being, 0-10. */
  readonly parentGlobal?: Maybe<number>;
  /** Active joints over the 71-joint set (also the uncapped count for JADAS-10). */
  readonly activeJoints?: Maybe<number>;
  /** Active joints over the 27-joint set. */
  readonly activeJoints27?: Maybe<number>;
  /** ESR, mm/h. */
  readonly esr?: Maybe<number>;
  /** CRP, mg/L. */
  readonly crp?: Maybe<number>;
}

export interface JadasVariant {
  readonly joints: JadasJointCount;
  readonly reactant: JadasReactant;
}

/** Published maximum of each variant's joint term. */
const JOINT_TERM_MAX: Readonly<Record<JadasJointCount, number>> = { 10: 10, 27: 27, 71: 71 };

/** ESR normalised to 0-10, in micro-units: ESR < 20 counts 0, ESR > 120 counts 10. */
export function normaliseEsrMicro(esr: number): number {
  return normaliseMicro(toMicro(esr), 20);
}

/** CRP (mg/L) normalised to 0-10, in micro-units: CRP < 10 counts 0, CRP > 110 counts 10. */
export function normaliseCrpMicro(crpMgPerL: number): number {
  return normaliseMicro(toMicro(crpMgPerL), 10);
}

function normaliseMicro(micro: number, floor: number): number {
  const lo = floor * MICRO;
  const clamped = Math.min(Math.max(micro, lo), lo + 100 * MICRO);
  return Math.round((clamped - lo) / 10);
}

/** Normalised ESR (0-10), as a number. */
export function normaliseEsr(esr: number): number {
  return fromMicro(normaliseEsrMicro(esr));
}

/** Normalised CRP (0-10) from mg/L, as a number. */
export function normaliseCrp(crpMgPerL: number): number {
  return fromMicro(normaliseCrpMicro(crpMgPerL));
}

const MISSING_ORDER = [
  'physicianGlobal',
  'parentGlobal',
  'activeJoints',
  'activeJoints27',
  'esr',
  'crp',
] as const;

/** The score alone, or null when a component is missing; allocation-free (see scoreJadas). */
export function jadasValue(input: JadasInput, variant: JadasVariant): number | null {
  const physician = input.physicianGlobal;
  const parent = input.parentGlobal;
  const joints = variant.joints === 27 ? input.activeJoints27 : input.activeJoints;
  if (!isPresent(physician) || !isPresent(parent) || !isPresent(joints)) return null;
  let micro =
    toMicro(physician) + toMicro(parent) + Math.min(joints, JOINT_TERM_MAX[variant.joints]) * MICRO;
  if (variant.reactant === 'esr') {
    if (!isPresent(input.esr)) return null;
    micro += normaliseEsrMicro(input.esr);
  } else if (variant.reactant === 'crp') {
    if (!isPresent(input.crp)) return null;
    micro += normaliseCrpMicro(input.crp);
  }
  return fromMicro(micro);
}

/** The five JADAS variants a visit row reports (null: a component is missing). */
export interface JadasScores {
  jadas10: number | null;
  jadas27: number | null;
  jadas71: number | null;
  cjadas10: number | null;
  jadas10Crp: number | null;
}

/**
 * JADAS-10, -27, -71, cJADAS-10 and JADAS-10-CRP at once, sharing their common terms; each
 * equals jadasValue for its variant. Writes into `out` (reused by the CLI's inner loop).
 */
export function scoreJadasVariants(
  input: JadasInput,
  out: JadasScores = emptyScores(),
): JadasScores {
  const physician = input.physicianGlobal;
  const parent = input.parentGlobal;
  const joints = input.activeJoints;
  const joints27 = input.activeJoints27;
  out.jadas10 = out.jadas27 = out.jadas71 = out.cjadas10 = out.jadas10Crp = null;
  if (!isPresent(physician) || !isPresent(parent)) return out;
  const globals = toMicro(physician) + toMicro(parent);
  const esr = isPresent(input.esr) ? normaliseEsrMicro(input.esr) : null;
  if (isPresent(joints)) {
    const term10 = globals + Math.min(joints, 10) * MICRO;
    out.cjadas10 = fromMicro(term10);
    if (esr !== null) {
      out.jadas10 = fromMicro(term10 + esr);
      out.jadas71 = fromMicro(globals + Math.min(joints, 71) * MICRO + esr);
    }
    if (isPresent(input.crp)) out.jadas10Crp = fromMicro(term10 + normaliseCrpMicro(input.crp));
  }
  if (isPresent(joints27) && esr !== null)
    out.jadas27 = fromMicro(globals + Math.min(joints27, 27) * MICRO + esr);
  return out;
}

function emptyScores(): JadasScores {
  return { jadas10: null, jadas27: null, jadas71: null, cjadas10: null, jadas10Crp: null };
}

/** Scores one JADAS variant. `value` is null when any component is missing. */
export function scoreJadas(input: JadasInput, variant: JadasVariant): Outcome<number> {
  const value = jadasValue(input, variant);
  if (value !== null) return { value, complete: true, missing: [] };
  const jointsField = variant.joints === 27 ? 'activeJoints27' : 'activeJoints';
  const reactantField = variant.reactant === 'none' ? null : variant.reactant;
  const missing = MISSING_ORDER.filter(
    (field) =>
      (field === 'physicianGlobal' ||
        field === 'parentGlobal' ||
        field === jointsField ||
        field === reactantField) &&
      !isPresent(input[field]),
  );
  return { value: null, complete: false, missing };
}

/** Published score ranges (Consolaro 2009; cJADAS by arithmetic), for validation and plots. */
export function jadasRange(variant: JadasVariant): { min: 0; max: number } {
  return {
    min: 0,
    max: 20 + JOINT_TERM_MAX[variant.joints] + (variant.reactant === 'none' ? 0 : 10),
  };
}
