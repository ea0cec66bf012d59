/**
 * Reads and validates a bundle for a command: a folder that is not one is a usage error; any
 * problem is listed (file:line: column: why, through `note`) and fails the command.
 */
import { BUNDLE_FILES } from '@jia-trial/store';
import { CommandFailure, UsageError } from '../cli-errors.js';
import { formatBundleProblem } from './bundle-problems.js';
import { type BundleReading, readBundle } from './read-bundle.js';

export function readValidBundle(
  dir: string,
  maxErrors: number,
  note: (line: string) => void,
  consequence = 'nothing was imported',
): BundleReading {
  let reading: BundleReading;
  try {
    reading = readBundle(dir, maxErrors);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new UsageError(`${dir} is not a bundle folder`);
    throw error;
  }
  const { problems } = reading;
  if (problems.total > 0) {
    for (const problem of problems.sorted(BUNDLE_FILES.map((f) => f.file)))
      note(formatBundleProblem(dir, problem));
    if (problems.more > 0) note(`... and ${problems.more} more problem(s)`);
    throw new CommandFailure(`${problems.total} problem(s) in ${dir}; ${consequence}`);
  }
  return reading;
}
