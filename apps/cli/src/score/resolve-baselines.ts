/**
 * Checks across rows. Visit ids must be unique. Baseline resolution: each visit is compared with the visit named in `baseline_visit_id` or,
 * when that is empty, with its subject's earliest visit (docs/score-command.md). A baseline must
 * exist, belong to the same subject and not be dated after the visit; two earliest visits on
 * the same date make the implicit baseline ambiguous. Each of these is a data problem.
 */
import { formatIsoDate } from '@jia-trial/outcomes';
import type { DataProblem } from '../cli-errors.js';
import type { VisitTable } from './visit-table.js';

/** Reports every visit_id used by an earlier row too, naming the first row's line. */
export function reportDuplicateVisits(
  table: VisitTable,
  report: (problem: DataProblem) => void,
): void {
  table.ids.forEachDuplicate((row, firstRow) => {
    report({
      line: table.line[row] as number,
      visitId: table.ids.id(row),
      column: 'visit_id',
      message: `duplicate visit_id, first used on line ${table.line[firstRow]}`,
    });
  });
}

export function resolveBaselines(table: VisitTable, report: (problem: DataProblem) => void): void {
  const earliest = new Int32Array(table.subjectIds.length).fill(-1);
  const tiedWith = new Int32Array(table.subjectIds.length).fill(-1);
  for (let row = 0; row < table.count; row++) {
    const s = table.subject[row] as number;
    const current = earliest[s] as number;
    if (current < 0 || (table.day[row] as number) < (table.day[current] as number)) {
      earliest[s] = row;
      tiedWith[s] = -1;
    } else if (table.day[row] === table.day[current]) {
      tiedWith[s] = row;
    }
  }

  const reportedTies = new Set<number>();
  for (let row = 0; row < table.count; row++) {
    const line = table.line[row] as number;
    const named = table.baselineIds.has(row);
    let baseline: number;
    if (!named) {
      const s = table.subject[row] as number;
      baseline = earliest[s] as number;
      const tie = tiedWith[s] as number;
      if (tie >= 0) {
        if (!reportedTies.has(s)) {
          reportedTies.add(s);
          report({
            line,
            visitId: table.ids.id(row),
            column: 'baseline_visit_id',
            message: `subject ${table.subjectIds[s]} has two earliest visits on ${formatIsoDate(table.day[baseline] as number)} (${table.ids.id(baseline)}, line ${table.line[baseline]}; ${table.ids.id(tie)}, line ${table.line[tie]}): name the baseline in baseline_visit_id`,
          });
        }
        continue;
      }
    } else {
      baseline = table.ids.findIdOf(table.baselineIds, row);
      if (baseline < 0) {
        report({
          line,
          visitId: table.ids.id(row),
          column: 'baseline_visit_id',
          message: `${JSON.stringify(table.baselineIds.id(row))} is not a visit_id in this file`,
        });
        continue;
      }
      if (table.subject[baseline] !== table.subject[row]) {
        report({
          line,
          visitId: table.ids.id(row),
          column: 'baseline_visit_id',
          message: `baseline ${table.baselineIds.id(row)} belongs to subject ${table.subjectIds[table.subject[baseline] as number]}, not ${table.subjectIds[table.subject[row] as number]}`,
        });
        continue;
      }
    }
    if ((table.day[baseline] as number) > (table.day[row] as number)) {
      report({
        line,
        visitId: table.ids.id(row),
        column: 'visit_date',
        message: `${formatIsoDate(table.day[row] as number)} is before its baseline ${table.ids.id(baseline)} (${formatIsoDate(table.day[baseline] as number)})`,
      });
      continue;
    }
    table.baselineRow[row] = baseline;
  }
}
