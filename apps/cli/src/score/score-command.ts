/**
 * `jia-trial score`: reads and validates the whole visits file, resolves baselines, and only
 * then writes anything, so a data error never leaves partial output (docs/score-command.md).
 * With --out the result goes to a temporary file in the same directory, renamed into place
 * when complete. Large files are read and scored on two threads (parallel.ts).
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { CutoffSetId, VisitScoreOptions } from '@jia-trial/outcomes';
import { DataError, type DataProblem, UsageError } from '../cli-errors.js';
import { checkAcrossRows } from './cross-row-checks.js';
import { findSplit, joinParts, readHeaderRecord } from './file-parts.js';
import { writeOutput } from './output.js';
import { ScoreWorker } from './parallel.js';
import { type ReadResult, readVisits } from './read-visits.js';
import { csvHeader, type OutputSink, writeCsvRows, writeJson, writeTable } from './write-scores.js';

export interface ScoreCommandOptions {
  readonly out?: string | undefined;
  readonly format: 'csv' | 'json' | 'table';
  readonly cutoffs: CutoffSetId;
  readonly esrUpperLimit: number;
  readonly crpUpperLimit: number;
  readonly maxErrors: number;
  /** 1 or 2; undefined: 2 for files of PARALLEL_MIN_BYTES or more on a machine with 2 cores. */
  readonly threads?: number | undefined;
}

/**
 * The main thread's share of the file on two threads: more than half, because the worker starts
 * late (it loads its modules first). The scoring pass splits the rows in half.
 */
const MAIN_THREAD_SHARE = 0.54;

/** Below this size a second thread costs more (its start-up) than it saves. */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;

export async function runScore(
  input: string,
  options: ScoreCommandOptions,
  stdout: OutputSink,
): Promise<void> {
  const before = inputStat(input);
  const size = before.size;
  if (options.out !== undefined) checkOutputPath(options.out, input);
  const threads =
    options.threads ?? (size >= PARALLEL_MIN_BYTES && availableParallelism() >= 2 ? 2 : 1);
  const timing = new PhaseTimer(process.env.JIA_TRIAL_TIMING === '1');
  const worker = threads > 1 ? new ScoreWorker() : null;
  try {
    const { result, problems, moreProblems } = await readAll(
      input,
      size,
      options.maxErrors,
      worker,
    );
    timing.mark('read+validate');
    let extra = moreProblems;
    const report = (problem: DataProblem) => {
      if (problems.length < options.maxErrors) problems.push(problem);
      else extra++;
    };
    checkAcrossRows(result, report);
    timing.mark('cross-row checks');
    if (problems.length > 0) {
      throw new DataError(
        input,
        [...problems].sort((a, b) => a.line - b.line),
        extra,
      );
    }
    // Pass 2 reads the records again by offset: the file must be the one just validated.
    const after = inputStat(input);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw new Error(`${input} changed while it was being scored; run the command again`);
    }

    const scoreOptions: VisitScoreOptions = {
      cutoffs: options.cutoffs,
      esrUpperLimit: options.esrUpperLimit,
      crpUpperLimit: options.crpUpperLimit,
    };
    const write = async (sink: OutputSink) => {
      const { table, header, headerBytes } = result;
      if (options.format === 'json') return writeJson(input, table, header, scoreOptions, sink);
      if (options.format === 'table') return writeTable(table, scoreOptions, sink);
      await sink(csvHeader(headerBytes));
      const mid = worker ? Math.floor(table.count / 2) : table.count;
      const later = worker?.writeRows(input, table.share(), mid, table.count, scoreOptions);
      await writeCsvRows(input, table, 0, mid, scoreOptions, sink);
      await later?.drainInto(sink);
    };
    await writeOutput(options.out, write, stdout);
    timing.mark('score+write');
  } finally {
    await worker?.close();
  }
}

function inputStat(input: string): { size: number; mtimeMs: number } {
  try {
    const stat = statSync(input);
    if (!stat.isFile()) throw new UsageError(`${input} is not a file`);
    return { size: stat.size, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/** Whether two paths name the same existing file (through links too). */
function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false; // `a` does not exist yet
  }
}

/** --out must name a file in an existing directory, and not the input (its source data). */
function checkOutputPath(out: string, input: string): void {
  if (resolve(out) === resolve(input) || sameFile(out, input)) {
    throw new UsageError(`--out ${out} is the input file: choose another name`);
  }
  const directory = dirname(resolve(out));
  const isDirectory = (path: string) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  };
  if (!isDirectory(directory))
    throw new UsageError(`--out ${out}: the directory ${directory} does not exist`);
  if (isDirectory(out)) throw new UsageError(`--out ${out} is a directory: name a file`);
}

/** Pass 1, on one thread or, with a worker, as two parts joined in file order. */
async function readAll(
  input: string,
  size: number,
  maxProblems: number,
  worker: ScoreWorker | null,
): Promise<{ result: ReadResult; problems: DataProblem[]; moreProblems: number }> {
  // The worker starts its part later (it loads its modules first): give the main thread more.
  const split = worker ? findSplit(input, Math.floor(size * MAIN_THREAD_SHARE), size) : null;
  const headerBytes = split === null ? null : readHeaderRecord(input);
  if (!worker || split === null || split >= size || headerBytes === null) {
    const result = readVisits({ path: input, fileSize: size, maxProblems });
    return { result, problems: result.problems, moreProblems: result.moreProblems };
  }
  const laterPart = worker.read({
    path: input,
    fileSize: size,
    maxProblems,
    range: { start: split, end: size, headerBytes },
  });
  const first = readVisits({ path: input, fileSize: size, maxProblems, end: split });
  const later = await laterPart;
  const problems = first.problems;
  let moreProblems = first.moreProblems;
  const report = (problem: DataProblem) => {
    if (problems.length < maxProblems) problems.push(problem);
    else moreProblems++;
  };
  // A broken header or CSV structure in the first part stops the reading there, as on one
  // thread: the later part's rows and line numbers would not be trustworthy.
  if (first.stopped) return { result: first, problems, moreProblems };
  // joinParts reports through `report`, which counts into moreProblems: add its own count after.
  const laterUncounted = joinParts(first, later, report);
  moreProblems += laterUncounted;
  const result = { ...first, stopped: later.stopped, complete: first.complete && later.complete };
  return { result, problems, moreProblems };
}

/** Phase timings on standard error when JIA_TRIAL_TIMING=1 (used by the benchmark). */
class PhaseTimer {
  private last = performance.now();
  constructor(private readonly enabled: boolean) {}
  mark(phase: string): void {
    if (!this.enabled) return;
    const now = performance.now();
    process.stderr.write(`timing ${phase}: ${(now - this.last).toFixed(0)} ms\n`);
    this.last = now;
  }
}
