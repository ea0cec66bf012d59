/**
 * `jia-trial score`: checks the input and output paths, then scores the visits file with
 * @jia-trial/interop's scoreVisitsFile (docs/score-command.md). With --out the result goes to a
 * temporary file in the same directory, renamed into place when complete.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { JiaError } from '@jia-trial/errors';
import { type OutputSink, PARALLEL_MIN_BYTES, scoreVisitsFile } from '@jia-trial/interop';
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
