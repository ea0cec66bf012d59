/**
 * Scoring a whole visits CSV file (`jia-trial score`, docs/score-command.md): pass 1 reads and
 * validates every row (on two threads for a large file, parallel.ts), the checks across rows
 * resolve baselines, and only when the whole file is sound does pass 2 score and write the rows,
 * so a data problem never leaves partial output. Problems are raised as one VALIDATION_FAILED
 * error listing each, by line, visit and column.
 */
import { statSync } from 'node:fs';
import { type Issue, JiaError } from '@jia-trial/errors';
import type { VisitScoreOptions } from '@jia-trial/outcomes';
import { checkAcrossRows } from './cross-row-checks.js';
import { findSplit, joinParts, readHeaderRecord } from './file-parts.js';
import { ScoreWorker } from './parallel.js';
import { type ReadResult, readVisits } from './read-visits.js';
import { csvHeader, type OutputSink, writeCsvRows, writeJson, writeTable } from './write-scores.js';

export interface ScoreFileOptions {
  readonly format: 'csv' | 'json' | 'table';
  readonly scoring: VisitScoreOptions;
  readonly maxProblems: number;
  /** 1 or 2 threads. */
  readonly threads: number;
  /** The file's name in problem reports (default: the path). */
  readonly fileName?: string;
  /** Called after each phase with its duration (the benchmark's JIA_TRIAL_TIMING). */
  readonly onPhase?: (phase: string, milliseconds: number) => void;
  /** Where the command is, for a terminal's progress line. */
  readonly onProgress?: (progress: ScoreProgress) => void;
}

/**
 * The command's progress: checking the file (the share read, on the main thread: with two
 * threads the other half is read at the same time), then scoring and writing its visits.
 */
export type ScoreProgress =
  | { readonly phase: 'checking'; readonly fraction: number }
  | { readonly phase: 'writing'; readonly visits: number };

/**
 * The main thread's share of the file on two threads: more than half, because the worker starts
 * late (it loads its modules first). The scoring pass splits the rows in half.
 */
const MAIN_THREAD_SHARE = 0.54;

/** Below this size a second thread costs more (its start-up) than it saves. */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Scores the visits file `input` and hands the output to `output`, which calls the writer it is
 * given with its sink (standard output, or a temporary file renamed when complete) and is not
 * called at all when the file has problems.
 */
export async function scoreVisitsFile(
  input: string,
  options: ScoreFileOptions,
  output: (write: (sink: OutputSink) => Promise<void>) => Promise<void>,
): Promise<void> {
  const fileName = options.fileName ?? input;
  const before = statSync(input);
  const timing = new PhaseTimer(options.onPhase);
  const worker = options.threads > 1 ? new ScoreWorker() : null;
  try {
    const { result, problems, moreProblems } = await readAll(
      input,
      fileName,
      before.size,
      options.maxProblems,
      worker,
      options.onProgress,
    );
    timing.mark('read+validate');
    let extra = moreProblems;
    const report = (problem: Issue) => {
      if (problems.length < options.maxProblems) problems.push(problem);
      else extra++;
    };
    checkAcrossRows(result, fileName, report);
    timing.mark('cross-row checks');
    if (problems.length > 0)
      throw new JiaError(
        'VALIDATION_FAILED',
        `${problems.length + extra} problem(s) in ${fileName}; nothing was written`,
        {
          issues: [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
          moreIssues: extra,
        },
      );
    // Pass 2 reads the records again by offset: the file must be the one just validated.
    const after = statSync(input);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs)
      throw new JiaError(
        'INPUT_CHANGED',
        `${fileName} changed while it was being scored; run the command again`,
      );
    const scoring = options.scoring;
    options.onProgress?.({ phase: 'writing', visits: result.table.count });
    await output(async (sink) => {
      const { table, header, headerBytes } = result;
      if (options.format === 'json') return writeJson(input, table, header, scoring, sink);
      if (options.format === 'table') return writeTable(table, scoring, sink);
      await sink(csvHeader(headerBytes));
      const mid = worker ? Math.floor(table.count / 2) : table.count;
      const later = worker?.writeRows(input, table.share(), mid, table.count, scoring);
      await writeCsvRows(input, table, 0, mid, scoring, sink);
      await later?.drainInto(sink);
    });
    timing.mark('score+write');
  } finally {
    await worker?.close();
  }
}

/** Pass 1, on one thread or, with a worker, as two parts joined in file order. */
async function readAll(
  input: string,
  fileName: string,
  size: number,
  maxProblems: number,
  worker: ScoreWorker | null,
  onProgress?: (progress: ScoreProgress) => void,
): Promise<{ result: ReadResult; problems: Issue[]; moreProblems: number }> {
  const progress = onProgress
    ? { onProgress: (fraction: number) => onProgress({ phase: 'checking', fraction }) }
    : {};
  // The worker starts its part later (it loads its modules first): give the main thread more.
  const split = worker ? findSplit(input, Math.floor(size * MAIN_THREAD_SHARE), size) : null;
  const headerBytes = split === null ? null : readHeaderRecord(input);
  if (!worker || split === null || split >= size || headerBytes === null) {
    const result = readVisits({ path: input, fileName, fileSize: size, maxProblems, ...progress });
    return { result, problems: result.problems, moreProblems: result.moreProblems };
  }
  const laterPart = worker.read({
    path: input,
    fileName,
    fileSize: size,
    maxProblems,
    range: { start: split, end: size, headerBytes },
  });
  const first = readVisits({
    path: input,
    fileName,
    fileSize: size,
    maxProblems,
    end: split,
    ...progress,
  });
  const later = await laterPart;
  const problems = first.problems;
  let moreProblems = first.moreProblems;
  const report = (problem: Issue) => {
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

/** Phase durations for a listener (the benchmark's timing lines). */
class PhaseTimer {
  private last = performance.now();
  constructor(private readonly onPhase: ScoreFileOptions['onPhase']) {}
  mark(phase: string): void {
    if (!this.onPhase) return;
    const now = performance.now();
    this.onPhase(phase, now - this.last);
    this.last = now;
  }
}
