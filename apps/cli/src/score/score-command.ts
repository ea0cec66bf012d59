/**
 * `jia-trial score`: checks the input and output paths, then scores the visits file with
 * @jia-trial/interop's scoreVisitsFile (docs/score-command.md). With --out the result goes to a
 * temporary file in the same directory, renamed into place when complete.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { JiaError } from '@jia-trial/errors';
import {
  type OutputSink,
  PARALLEL_MIN_BYTES,
  type ScoreProgress,
  scoreVisitsFile,
} from '@jia-trial/interop/visits-csv';
import type { CutoffSetId, SystemicJiaAcr } from '@jia-trial/outcomes';
import { writeOutput } from '../output.js';

export interface ScoreCommandOptions {
  readonly out?: string | undefined;
  readonly format: 'csv' | 'json' | 'table';
  readonly cutoffs: CutoffSetId;
  readonly esrUpperLimit: number;
  readonly crpUpperLimit: number;
  /** The JIA-ACR of systemic-JIA visits (default 'standard'; ADR 0019). */
  readonly systemicJiaAcr?: SystemicJiaAcr | undefined;
  readonly maxErrors: number;
  /** 1 or 2; undefined: 2 for files of PARALLEL_MIN_BYTES or more on a machine with 2 cores. */
  readonly threads?: number | undefined;
  /**
   * Writes a progress line (standard error on a terminal; undefined: none). Shown for files of
   * PROGRESS_MIN_BYTES or more, which take a moment: a smaller file is scored before a line
   * could be read.
   */
  readonly progress?: ((text: string) => void) | undefined;
}

/** From this size (about 10,000 visits, a few tenths of a second) a terminal shows progress. */
export const PROGRESS_MIN_BYTES = 1024 * 1024;
/** The progress line is redrawn at most this often. */
const PROGRESS_EVERY_MS = 100;

/** A terminal's progress line: "score: checking visits.csv 45%", redrawn in place, then cleared. */
function progressLine(write: (text: string) => void, name: string) {
  let last = 0;
  let shown = '';
  const draw = (text: string, force = false) => {
    const now = performance.now();
    if (text === shown || (!force && now - last < PROGRESS_EVERY_MS)) return;
    last = now;
    shown = text;
    write(`\r\x1b[K${text}`);
  };
  return {
    update: (p: ScoreProgress) =>
      p.phase === 'checking'
        ? draw(`score: checking ${name} ${Math.floor(p.fraction * 100)}%`)
        : draw(`score: scoring and writing ${p.visits.toLocaleString('en-US')} visits`, true),
    clear: () => {
      if (shown !== '') write('\r\x1b[K');
    },
  };
}

export { PARALLEL_MIN_BYTES };

export async function runScore(
  input: string,
  options: ScoreCommandOptions,
  stdout: OutputSink,
): Promise<void> {
  const size = inputSize(input);
  if (options.out !== undefined) checkOutputPath(options.out, input);
  const threads =
    options.threads ?? (size >= PARALLEL_MIN_BYTES && availableParallelism() >= 2 ? 2 : 1);
  const progress =
    options.progress && size >= PROGRESS_MIN_BYTES
      ? progressLine(options.progress, basename(input))
      : null;
  try {
    await scoreFile(input, options, threads, stdout, progress);
  } finally {
    progress?.clear();
  }
}

async function scoreFile(
  input: string,
  options: ScoreCommandOptions,
  threads: number,
  stdout: OutputSink,
  progress: ReturnType<typeof progressLine> | null,
): Promise<void> {
  await scoreVisitsFile(
    input,
    {
      format: options.format,
      scoring: {
        cutoffs: options.cutoffs,
        esrUpperLimit: options.esrUpperLimit,
        crpUpperLimit: options.crpUpperLimit,
        systemicJiaAcr: options.systemicJiaAcr ?? 'standard',
      },
      maxProblems: options.maxErrors,
      threads,
      ...(progress ? { onProgress: progress.update } : {}),
      // Phase timings on standard error when JIA_TRIAL_TIMING=1 (used by the benchmark).
      ...(process.env.JIA_TRIAL_TIMING === '1'
        ? {
            onPhase: (phase: string, ms: number) =>
              process.stderr.write(`timing ${phase}: ${ms.toFixed(0)} ms\n`),
          }
        : {}),
    },
    (write) => writeOutput(options.out, write, stdout),
  );
}

/** A file system error in words: "no such file", not ENOENT. */
export function fileErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENOTDIR':
      return 'a folder on its path is a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    default:
      return code ?? String(error);
  }
}

function usage(message: string): JiaError {
  return new JiaError('USAGE_ERROR', message);
}

function inputSize(input: string): number {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(input);
  } catch (error) {
    throw usage(`cannot read ${input}: ${fileErrorText(error)}`);
  }
  if (!stat.isFile()) throw usage(`${input} is not a file`);
  return stat.size;
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
  if (resolve(out) === resolve(input) || sameFile(out, input))
    throw usage(`--out ${out} is the input file: choose another name`);
  const directory = dirname(resolve(out));
  const isDirectory = (path: string) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  };
  if (!isDirectory(directory))
    throw usage(`--out ${out}: the directory ${directory} does not exist`);
  if (isDirectory(out)) throw usage(`--out ${out} is a directory: name a file`);
}
