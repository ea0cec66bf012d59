/**
 * `jia-trial serve` in its own process on a benchmark's embedded database, and that database's
 * postmaster (for its CPU time): shared by the server benchmarks (http.bench.ts, web.bench.ts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The embedded PostgreSQL's postmaster: the first line of postmaster.pid under `dataDir`. */
export async function postmasterPid(dataDir: string): Promise<number> {
  const found = (await readdir(dataDir, { recursive: true })).find(
    (f) => basename(f) === 'postmaster.pid',
  );
  if (!found) throw new Error(`no postmaster.pid under ${dataDir}`);
  return Number((await readFile(join(dataDir, found), 'utf8')).split('\n')[0]);
}

const CLI = fileURLToPath(new URL('../apps/cli/bin/jia-trial.js', import.meta.url));

/**
 * `jia-trial serve` as its own process on the benchmark's embedded database (shared with this
 * process, as every command shares it): the server as it runs in use, and no import of apps/.
 */
export async function serve(
  dataDir: string,
  poolSize: number,
): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--no-demo'], {
    // As many connections as the store path's pool: the same database concurrency for both.
    env: {
      ...process.env,
      JIA_DATA_DIR: dataDir,
      DATABASE_URL: '',
      JIA_POOL_SIZE: String(poolSize),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /server on http:\/\/[\d.]+:(\d+)/.exec(text);
      if (found) resolve(Number(found[1]));
    });
    child.on('exit', (code) => reject(new Error(`jia-trial serve exited ${code}: ${text}`)));
  });
  return {
    port,
    pid: child.pid as number,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
