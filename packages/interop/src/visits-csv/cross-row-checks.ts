/**
 * Checks across rows, run once the whole file is read. Visit ids must be unique. Baseline
 * resolution: each visit is compared with the visit named in `baseline_visit_id` or,
 * when that is empty, with its subject's earliest visit (docs/score-command.md). A baseline must
 * exist, belong to the same subject and not be dated after the visit; two earliest visits on the
 * same date make the implicit baseline ambiguous. Each of these is a data problem. Rows with a
 * problem of their own are left out (their problem is already reported), so these checks also
 * run on a file with other problems.
 */
import { fileIssue, type Issue } from '@jia-trial/errors';
import { formatIsoDate } from '@jia-trial/outcomes';
import { NO_DAY, type VisitTable } from './visit-table.js';

type Report = (problem: Issue) => void;

/**
 * The checks across rows of a visits file, in the order every reader of visits runs them
 * (`jia-trial score` and the bundle import): unique ids, then baselines. They need every row,
 * so a reading that stopped or skipped records (`complete` false) is not checked.
 */
export function checkAcrossRows(
  result: { readonly table: VisitTable; readonly complete: boolean },
  file: string,
  report: Report,
): void {
  if (!result.complete) return;
  reportDuplicateVisits(result.table, file, report);
  resolveBaselines(result.table, file, report);
}

/** The problem `message` in `column` of a row, as an issue of `file`. */
function rowIssue(table: VisitTable, file: string, row: number, column: string, message: string) {
  return fileIssue({
    file,
    line: table.line[row] as number,
    record: table.ids.id(row),
    column,
    message,
  });
}

/** The baseline row of each valid row, or the problem that prevents it. */
export function resolveBaselines(table: VisitTable, file: string, report: Report): void {
  const problem = (row: number, column: string, message: string) =>
    report(rowIssue(table, file, row, column, message));
  const implicit = implicitBaselines(table, problem);
  for (let row = 0; row < table.count; row++) {
    if (!table.valid[row]) continue;
    const baseline = table.baselineIds.has(row)
      ? namedBaseline(table, row, problem)
      : implicit(row);
    if (baseline < 0) continue;
    if ((table.day[baseline] as number) > (table.day[row] as number)) {
      const date = (r: number) => formatIsoDate(table.day[r] as number);
      problem(
        row,
        'visit_date',
        `${date(row)} is before its baseline ${table.ids.id(baseline)} (${date(baseline)})`,
      );
      continue;
    }
    table.baselineRow[row] = baseline;
  }
}

type Problem = (row: number, column: string, message: string) => void;

/** The row named in baseline_visit_id, or -1 (reported, or the baseline row has a problem). */
function namedBaseline(table: VisitTable, row: number, problem: Problem): number {
  const baseline = table.ids.findIdOf(table.baselineIds, row);
  if (baseline < 0) {
    problem(
      row,
      'baseline_visit_id',
      `${JSON.stringify(table.baselineIds.id(row))} is not a visit_id in this file`,
    );
    return -1;
  }
  if (!table.valid[baseline]) return -1; // the baseline row's own problem is reported
  const subject = table.subject[row] as number;
  if (table.subject[baseline] !== subject) {
    const owner = table.subjectIds[table.subject[baseline] as number];
    problem(
      row,
      'baseline_visit_id',
      `baseline ${table.baselineIds.id(row)} belongs to subject ${owner}, not ${table.subjectIds[subject]}`,
    );
    return -1;
  }
  return baseline;
}

/**
 * For a row without baseline_visit_id: its subject's earliest visit, or -1 when that visit has
 * a problem of its own or shares its date with another (reported once per subject).
 */
function implicitBaselines(table: VisitTable, problem: Problem): (row: number) => number {
  const { earliest, tiedWith } = earliestVisits(table);
  const reportedTies = new Set<number>();
  return (row) => {
    const subject = table.subject[row] as number;
    const baseline = earliest[subject] as number;
    if (!table.valid[baseline]) return -1; // the earliest visit's own problem is reported
    const tie = tiedWith[subject] as number;
    if (tie < 0) return baseline;
    if (!reportedTies.has(subject)) {
      reportedTies.add(subject);
      const on = formatIsoDate(table.day[baseline] as number);
      problem(
        row,
        'baseline_visit_id',
        `subject ${table.subjectIds[subject]} has two earliest visits on ${on} (${table.ids.id(baseline)}, line ${table.line[baseline]}; ${table.ids.id(tie)}, line ${table.line[tie]}): name the baseline in baseline_visit_id`,
      );
    }
    return -1;
  };
}

/**
 * Each subject's earliest visit, and another visit on the same date if there is one, over every
 * row whose subject and date could be read (a row with another problem still has its date).
 */
function earliestVisits(table: VisitTable): { earliest: Int32Array; tiedWith: Int32Array } {
  const earliest = new Int32Array(table.subjectIds.length).fill(-1);
  const tiedWith = new Int32Array(table.subjectIds.length).fill(-1);
  for (let row = 0; row < table.count; row++) {
    const s = table.subject[row] as number;
    if (s < 0 || table.day[row] === NO_DAY) continue;
    const current = earliest[s] as number;
    if (current < 0 || (table.day[row] as number) < (table.day[current] as number)) {
      earliest[s] = row;
      tiedWith[s] = -1;
    } else if (table.day[row] === table.day[current]) {
      tiedWith[s] = row;
    }
  }
  return { earliest, tiedWith };
}

/** Reports every visit_id that an earlier row already used, naming that row's line. */
export function reportDuplicateVisits(table: VisitTable, file: string, report: Report): void {
  table.ids.forEachDuplicate((row, firstRow) => {
    report(
      rowIssue(
        table,
        file,
        row,
        'visit_id',
        `duplicate visit_id, first used on line ${table.line[firstRow]}`,
      ),
    );
  });
}
