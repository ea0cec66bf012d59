/**
 * The baseline table and the infusions of a study (issue 6), at the first infusion: age, sex,
 * ILAR category, disease duration, prior methotrexate and corticosteroids, failed biologicals,
 * and the core-set values of the baseline visit. Ages and durations are in years of 365.25
 * days; a birth date known to the month is taken at the 15th.
 */
import {
  DAYS_PER_YEAR,
  ILAR_CATEGORIES,
  type IlarCategory,
  scoreJadasVariants,
} from '@jia-trial/outcomes';
import {
  day,
  failedBy,
  isDrug,
  type ProtocolDefinition,
  type SubjectTimeline,
} from '@jia-trial/protocol';
import { type Summary, summarise } from '../statistics/quantiles.js';
import { baselineVisit } from './timepoints.js';

export interface BaselineTable {
  readonly subjects: number;
  readonly ageYears: Summary;
  readonly sex: Readonly<Record<string, number>>;
  readonly ilarCategories: ReadonlyArray<{
    readonly category: IlarCategory;
    readonly name: string;
    readonly n: number;
  }>;
  readonly diseaseDurationYears: Summary;
  readonly priorMethotrexate: number;
  readonly priorCorticosteroids: number;
  /** Stopped for inefficacy or intolerance before the first infusion. */
  readonly failedMethotrexate: number;
  readonly failedCorticosteroids: number;
  readonly failedBiologicals: Summary;
  readonly activeJoints: Summary;
  readonly limitedJoints: Summary;
  readonly jadas71: Summary;
  readonly chaq: Summary;
  readonly esr: Summary;
  readonly crp: Summary;
}

const years = (from: number, to: number) => (to - from) / DAYS_PER_YEAR;

function birthDay(birthDate: string): number {
  return day(birthDate.length === 7 ? `${birthDate}-15` : birthDate);
}

const values = (xs: ReadonlyArray<number | null | undefined>) =>
  xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));

export function baselineTable(
  protocol: ProtocolDefinition,
  timelines: readonly SubjectTimeline[],
): BaselineTable {
  const infused = timelines.filter((t) => t.infusions.length > 0);
  const first = (t: SubjectTimeline) => t.infusions[0]?.date as string;
  const baseline = infused.map((t) => baselineVisit(t)?.observation ?? {});
  const sex: Record<string, number> = {};
  for (const t of infused) sex[t.sex] = (sex[t.sex] ?? 0) + 1;
  const categories = new Map<IlarCategory, number>();
  for (const t of infused)
    categories.set(t.ilarCategory, (categories.get(t.ilarCategory) ?? 0) + 1);
  const reasons = ['inefficacy', 'intolerance'] as const;
  const failedBiologicals = infused.map(
    (t) =>
      new Set(
        t.medications
          .filter((m) => m.drugClass === 'biologic' && failedBy(m, first(t), reasons))
          .map(
            (m) =>
              protocol.drugs.find((d) => isDrug(protocol.drugs, m.drug, d.drug))?.drug ??
              m.drug.toLowerCase(),
          ),
      ).size,
  );
  const before = (t: SubjectTimeline, test: (drug: string, drugClass: string) => boolean) =>
    t.medications.some((m) => m.startDate <= first(t) && test(m.drug, m.drugClass));
  return {
    subjects: infused.length,
    ageYears: summarise(infused.map((t) => years(birthDay(t.birthDate), day(first(t))))),
    sex,
    ilarCategories: [...categories].map(([category, n]) => ({
      category,
      name: ILAR_CATEGORIES[category].name,
      n,
    })),
    diseaseDurationYears: summarise(infused.map((t) => years(day(t.diagnosisDate), day(first(t))))),
    priorMethotrexate: infused.filter((t) =>
      before(t, (drug) => isDrug(protocol.drugs, drug, 'methotrexate')),
    ).length,
    priorCorticosteroids: infused.filter((t) => before(t, (_, c) => c === 'corticosteroid')).length,
    failedMethotrexate: infused.filter((t) =>
      t.medications.some(
        (m) => isDrug(protocol.drugs, m.drug, 'methotrexate') && failedBy(m, first(t), reasons),
      ),
    ).length,
    failedCorticosteroids: infused.filter((t) =>
      t.medications.some((m) => m.drugClass === 'corticosteroid' && failedBy(m, first(t), reasons)),
    ).length,
    failedBiologicals: summarise(failedBiologicals),
    activeJoints: summarise(values(baseline.map((o) => o.activeJoints))),
    limitedJoints: summarise(values(baseline.map((o) => o.limitedJoints))),
    jadas71: summarise(values(baseline.map((o) => scoreJadasVariants(o).jadas71))),
    chaq: summarise(values(baseline.map((o) => o.chaqDi))),
    esr: summarise(values(baseline.map((o) => o.esr))),
    crp: summarise(values(baseline.map((o) => o.crp))),
  };
}

export interface InfusionSummary {
  readonly total: number;
  readonly subjectsWithRepeat: number;
  readonly perSubject: ReadonlyArray<{
    readonly subjectId: string;
    readonly count: number;
    readonly dates: readonly string[];
    readonly cellsPerKg: readonly number[];
    readonly reactions: number;
  }>;
  /**
   * Each infusion's product as given (issue 14, section 6; optional bundle columns): cells per
   * kg and in total, viable %, passage, fresh or cryopreserved, donor and lot. An attribute not
   * recorded is null; `recorded` counts the infusions with any of viability, passage or state.
   */
  readonly products: ReadonlyArray<{
    readonly subjectId: string;
    readonly infusionDate: string;
    readonly number: number;
    readonly cellsPerKg: number;
    readonly totalCells: number;
    readonly viabilityPct: number | null;
    /** Viable cells given: total x viability, when both are recorded. */
    readonly viableCells: number | null;
    readonly passage: number | null;
    readonly productState: string | null;
    readonly donorCode: string | null;
    readonly productLot: string;
  }>;
  readonly productsRecorded: number;
}

export function infusionSummary(timelines: readonly SubjectTimeline[]): InfusionSummary {
  const infused = timelines.filter((t) => t.infusions.length > 0);
  const products = infused.flatMap((t) =>
    t.infusions.map((i, n) => {
      const viabilityPct = i.viabilityPct ?? null;
      return {
        subjectId: t.subjectId,
        infusionDate: i.date,
        number: n + 1,
        cellsPerKg: i.cellsPerKg,
        totalCells: i.totalCells,
        viabilityPct,
        // Whole cells: a count, rounded once.
        viableCells: viabilityPct === null ? null : Math.round((i.totalCells * viabilityPct) / 100),
        passage: i.passage ?? null,
        productState: i.productState ?? null,
        donorCode: i.donorCode ?? null,
        productLot: i.productLot,
      };
    }),
  );
  return {
    total: infused.reduce((n, t) => n + t.infusions.length, 0),
    subjectsWithRepeat: infused.filter((t) => t.infusions.length > 1).length,
    perSubject: infused.map((t) => ({
      subjectId: t.subjectId,
      count: t.infusions.length,
      dates: t.infusions.map((i) => i.date),
      cellsPerKg: t.infusions.map((i) => i.cellsPerKg),
      reactions: t.infusions.filter((i) => i.infusionReaction).length,
    })),
    products,
    productsRecorded: products.filter(
      (p) => p.viabilityPct !== null || p.passage !== null || p.productState !== null,
    ).length,
  };
}
