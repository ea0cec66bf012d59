/**
 * `jia-trial score`: reads and validates the whole visits file, resolves baselines, and only
 * then writes anything, so a data error never leaves partial output (docs/score-command.md).
 * With --out the result goes to a temporary file in the same directory, renamed into place
 * when complete.
 */
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CutoffSetId, VisitScoreOptions } from '@jia-trial/outcomes';
import { DataError, type DataProblem, UsageError } from '../cli-errors.js';
import { readVisits } from './read-visits.js';
import { resolveBaselines } from './resolve-baselines.js';
import { type OutputSink, writeCsv, writeJson, writeTable } from './write-scores.js';

export interface ScoreCommandOptions {
  readonly out?: string | undefined;
  readonly format: 'csv' | 'json' | 'table';
  readonly cutoffs: CutoffSetId;
  readonly esrUpperLimit: number;
  readonly crpUpperLimit: number;
  readonly maxErrors: number;
}

/** Where output goes when there is no --out. */
export type StdoutSink = OutputSink;

export async function runScore(input: string, options: ScoreCommandOptions, stdout: StdoutSink): Promise<void> {
  let size: number;
  try {
    const stat = statSync(input);
    if (!stat.isFile()) throw new UsageError(`${input} is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }

  const { table, visitIndex, header, headerBytes, problems, moreProblems } = readVisits(input, size, options.maxErrors);
  let extra = moreProblems;
  if (problems.length === 0) {
    resolveBaselines(table, visitIndex, (problem: DataProblem) => {
      if (problems.length < options.maxErrors) problems.push(problem);
      else extra++;
    });
  }
  if (problems.length > 0) throw new DataError(input, problems, extra);

  const scoreOptions: VisitScoreOptions = {
    cutoffs: options.cutoffs,
    esrUpperLimit: options.esrUpperLimit,
    crpUpperLimit: options.crpUpperLimit,
  };
  const write = (sink: OutputSink) => {
    switch (options.format) {
      case 'json':
        return writeJson(input, table, header, scoreOptions, sink);
      case 'table':
        return writeTable(table, scoreOptions, sink);
      case 'csv':
        return writeCsv(input, table, headerBytes, scoreOptions, sink);
    }
  };

  if (options.out === undefined) {
    await write(stdout);
    return;
  }
  const target = options.out;
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  const fd = openSync(temporary, 'w');
  try {
    await write((bytes) => {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    });
    closeSync(fd);
    renameSync(temporary, target);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {}
    rmSync(temporary, { force: true });
    throw error;
  }
}
