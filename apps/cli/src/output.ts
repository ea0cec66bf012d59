/**
 * Where `jia-trial score` writes: standard output, or a file written through a temporary file in
 * the same directory and renamed into place only when complete, so a partial file never appears
 * under the requested name (ADR 0004).
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { OutputSink } from '@jia-trial/interop/visits-csv';

export /** Writes to standard output, or to `out` through a temporary file renamed when complete. */
async function writeOutput(
  out: string | undefined,
  write: (sink: OutputSink) => Promise<void>,
  stdout: OutputSink,
): Promise<void> {
  if (out === undefined) return write(stdout);
  const temporary = join(dirname(out), `.${basename(out)}.${process.pid}.partial`);
  const fd = openSync(temporary, 'w');
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
