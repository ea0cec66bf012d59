/**
 * Where `jia-trial score` and `report` write: standard output, or a file written through a
 * temporary file in the same directory and renamed into place only when complete, so a partial
 * file never appears under the requested name (ADR 0004). The temporary file is created
 * exclusively (never through a planted link) and private, 0600 whatever the umask: every file of
 * subject data the product writes is (docs/security.md, "Files").
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { OutputSink } from '@jia-trial/interop/visits-csv';

/**
 * Creates the temporary file, exclusively and 0600. One left by a killed run of the same pid
 * (or a link planted in its place) is removed, never written through, and the file made anew.
 */
function openTemporary(path: string): number {
  try {
    return openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    rmSync(path, { force: true });
    return openSync(path, 'wx', 0o600);
  }
}

export /** Writes to standard output, or to `out` through a temporary file renamed when complete. */
async function writeOutput(
  out: string | undefined,
  write: (sink: OutputSink) => Promise<void>,
  stdout: OutputSink,
): Promise<void> {
  if (out === undefined) return write(stdout);
  const temporary = join(dirname(out), `.${basename(out)}.${process.pid}.partial`);
  const fd = openTemporary(temporary);
  try {
    await write((bytes) => {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    });
    closeSync(fd);
    renameSync(temporary, out);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {}
    rmSync(temporary, { force: true });
    throw error;
  }
}
