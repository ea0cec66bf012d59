/**
 * Scores the rows of a VisitTable with @jia-trial/outcomes `scoreVisit`, the function the
 * server and the browser use too. A row's observations are read into one of two reused objects
 * and each baseline's core set is prepared once for its run of visits, so scoring a million
 * rows allocates one result object per row and nothing else (docs/performance.md). The reused
 * state is per thread (module scope), and scoreVisit keeps no reference to it.
 */
import {
  coreSetMicro,
  ILAR_CATEGORY_CODES,
  type IlarCategory,
  scoreVisit,
  type VisitObservation,
  type VisitScoreOptions,
  type VisitScores,
} from '@jia-trial/outcomes';
import type { VisitTable } from './visit-table.js';

const num = (value: number): number | null => (Number.isNaN(value) ? null : value);
const bool = (value: number): boolean | null => (value < 0 ? null : value === 1);

/**
 * A visit's observations read from the table into a reused object: scoring a million rows
 * through two of these allocates nothing per row (the outcome functions keep no reference).
 */
class ObservationView implements VisitObservation {
  /**
   * `jia-trial score` reads the MAS laboratory values only for a visit recorded as systemic
   * JIA (its row is all it has); a reader with the subject's category keeps them all.
   */
  constructor(readonly masLabsOfEveryVisit = false) {}

  ilarCategory: IlarCategory | null = null;
  physicianGlobal: number | null = null;
  parentGlobal: number | null = null;
  chaqDi: number | null = null;
  activeJoints: number | null = null;
  activeJoints27: number | null = null;
  limitedJoints: number | null = null;
  esr: number | null = null;
  crp: number | null = null;
  morningStiffnessMinutes: number | null = null;
  systemicFeatures: boolean | null = null;
  activeUveitis: boolean | null = null;
  fever: boolean | null = null;
  ferritin: number | null = null;
  platelets: number | null = null;
  ast: number | null = null;
  triglycerides: number | null = null;
  fibrinogen: number | null = null;
  ldh: number | null = null;
  cnsInvolvement: boolean | null = null;
  haemorrhagicManifestations: boolean | null = null;

  load(table: VisitTable, row: number): this {
    const n = table.numbers;
    const b = table.booleans;
    const category = table.category[row] as number;
    this.ilarCategory = category < 0 ? null : (ILAR_CATEGORY_CODES[category] ?? null);
    this.physicianGlobal = num(n.physicianGlobal[row] as number);
    this.parentGlobal = num(n.parentGlobal[row] as number);
    this.chaqDi = num(n.chaqDi[row] as number);
    this.activeJoints = num(n.activeJoints[row] as number);
    this.activeJoints27 = num(table.activeJoints27[row] as number);
    this.limitedJoints = num(n.limitedJoints[row] as number);
    this.esr = num(n.esr[row] as number);
    this.crp = num(n.crp[row] as number);
    this.morningStiffnessMinutes = num(n.morningStiffnessMinutes[row] as number);
    this.systemicFeatures = bool(b.systemicFeatures[row] as number);
    this.activeUveitis = bool(b.activeUveitis[row] as number);
    this.fever = bool(b.fever[row] as number);
    this.cnsInvolvement = bool(b.cnsInvolvement[row] as number);
    this.haemorrhagicManifestations = bool(b.haemorrhagicManifestations[row] as number);
    // The MAS laboratory values are read only by the systemic-JIA criteria and the MS score.
    const systemic = this.masLabsOfEveryVisit || this.ilarCategory === 'systemic';
    this.ferritin = systemic ? num(n.ferritin[row] as number) : null;
    this.platelets = systemic ? num(n.platelets[row] as number) : null;
    this.ast = systemic ? num(n.ast[row] as number) : null;
    this.triglycerides = systemic ? num(n.triglycerides[row] as number) : null;
    this.fibrinogen = systemic ? num(n.fibrinogen[row] as number) : null;
    this.ldh = systemic ? num(n.ldh[row] as number) : null;
    return this;
  }
}

/** A visit's observations as a new plain object, every recorded value kept (bundle timelines). */
export function readObservation(table: VisitTable, row: number): VisitObservation {
  const { masLabsOfEveryVisit: _, ...values } = new ObservationView(true).load(table, row);
  return values;
}

const visitView = new ObservationView();
const baselineView = new ObservationView();
const prepared = {
  visit: new Float64Array(6),
  baseline: new Float64Array(6) as Float64Array | null,
};
const preparedBaseline = new Float64Array(6);
/** The row whose observations baselineView holds: consecutive visits usually share a baseline. */
let loadedBaseline: { table: VisitTable | null; row: number } = { table: null, row: -1 };

export function scoreRow(table: VisitTable, row: number, options: VisitScoreOptions): VisitScores {
  const baselineRow = table.baselineRow[row] as number;
  let baseline: ObservationView | null = null;
  if (baselineRow !== row) {
    if (loadedBaseline.table !== table || loadedBaseline.row !== baselineRow) {
      coreSetMicro(baselineView.load(table, baselineRow), 'esr', preparedBaseline);
      loadedBaseline = { table, row: baselineRow };
    }
    baseline = baselineView;
  }
  const visit = visitView.load(table, row);
  coreSetMicro(visit, 'esr', prepared.visit);
  prepared.baseline = baseline ? preparedBaseline : null;
  return scoreVisit(visit, baseline, options, prepared);
}
