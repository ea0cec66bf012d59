/**
 * The commands that work on the trial database: migrate, import, export, verify-audit, backup,
 * restore (docs/store.md). Each opens the store from the environment (DATABASE_URL and
 * JIA_OWNER_DATABASE_URL, or the embedded server on JIA_DATA_DIR, default ./data), does its
 * work and closes it, so that commands run one after another, or at the same time, share the
 * embedded server. All but restore work as the runtime role; migrations and restore as the owner.
 */
import { mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { JiaError } from '@jia-trial/errors';
import {
  type Actor,
  type AuditReport,
  anchorKeyDir,
  backupDatabase,
  checkAnchors,
  checkBackup,
  createAnchor,
  type ExpectedHead,
  exportBundle,
  listStudies,
  openStore,
  parseAnchors,
  restoreDatabase,
  type Store,
  storeOptionsFromEnv,
  translateDatabaseError,
  unsealedAlert,
  unsealedAlertSecondsFromEnv,
  unsealedWindow,
  type VerifyOptions,
  verifyAudit,
} from '@jia-trial/store';
import { dataDirToCreate, holdsNothing, removeCreatedDataDir } from './fresh-data-dir.js';

export interface StoreIo {
  readonly env: NodeJS.ProcessEnv;
  /** Data written to standard output (results, JSON). */
  out(text: string): void;
  /** Notices and progress on standard error. */
  note(text: string): void;
  readonly progressTty: boolean;
}

/**
 * Who the command line acts as in the audit trail: the operating-system account (`os:<login>`),
 * named as --actor says, else by that id.
 */
export function cliActor(actor: string | undefined): Actor {
  let login = 'unknown';
  try {
    login = userInfo().username;
  } catch {}
  const id = `os:${login}`;
  return { id, name: actor?.trim() || id };
}

/** SIGINT (Ctrl-C) or SIGTERM, while a command holds the store. */
interface Interruption {
  /** The signal received, or null. */
  readonly signal: () => NodeJS.Signals | null;
  /** Called once, on the first signal (or at once, when it came already). */
  onSignal(stop: () => void): void;
  dispose(): void;
}

/**
 * Catches SIGINT and SIGTERM while a command uses the store, so that it stops what it started:
 * the first signal cancels the running statement (its transaction is rolled back) and lets the
 * command close the store (which stops an embedded server it started); a second one ends the
 * process at once, leaving the server for the next command to adopt.
 */
function catchInterruption(io: Pick<StoreIo, 'note'>): Interruption {
  let received: NodeJS.Signals | null = null;
  let stop: (() => void) | null = null;
  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      io.note(
        `jia-trial: ${signal} again: stopping at once (the embedded database server, if any, is left running; the next command adopts it)`,
      );
      process.exit(1);
    }
    received = signal;
    io.note(
      `jia-trial: ${signal}: cancelling the running statement and closing the database (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again stops at once)`,
    );
    stop?.();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: () => received,
    onSignal(callback) {
      stop = callback;
      if (received) callback();
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

export interface WithStoreOptions {
  /** What became of the work when a signal stops it (INTERRUPTED's message). */
  readonly interrupted?: string;
  /**
   * The command reports the unsealed window itself (verify-audit, restore: the report's `ALERT
   * unsealed` line), so the alert every other command notes when it opens the store is not
   * printed: once is enough.
   */
  readonly reportsUnsealed?: boolean;
}

/**
 * Opens the store from the environment, runs `work`, and closes it (noting its notices). A
 * command interrupted by SIGINT or SIGTERM ends with INTERRUPTED, `options.interrupted` saying
 * what became of its work.
 */
export async function withStore<T>(
  io: Pick<StoreIo, 'env' | 'note'>,
  work: (store: Store) => Promise<T>,
  options: WithStoreOptions = {},
): Promise<T> {
  const interrupted = options.interrupted ?? 'the command stopped before it finished';
  const interruption = catchInterruption(io);
  const stopped = (signal: NodeJS.Signals) =>
    new JiaError(
      'INTERRUPTED',
      `interrupted by ${signal}: the running statement was cancelled and the transaction rolled back; ${interrupted}`,
    );
  const storeOptions = storeOptionsFromEnv(io.env);
  // A data directory this command creates is removed again if it fails having stored nothing.
  const created = dataDirToCreate(storeOptions);
  let leaveEmpty = false;
  try {
    // A server that cannot be reached is DATABASE_UNAVAILABLE, not a fault of jia-trial.
    const store = await openStore(storeOptions).catch((error: unknown) => {
      leaveEmpty = true;
      throw translateDatabaseError(error);
    });
    for (const notice of store.notices) io.note(`jia-trial: ${notice}`);
    try {
      const signal = interruption.signal();
      if (signal) throw stopped(signal);
      interruption.onSignal(() => {
        store.cancelRunning().catch(() => {});
      });
      // The unsealed window past its limit (docs/audit-trail.md): said by every command, once.
      if (!options.reportsUnsealed) {
        const alert = unsealedAlert(
          await unsealedWindow(store.pool),
          unsealedAlertSecondsFromEnv(io.env),
        );
        if (alert) io.note(`jia-trial: ALERT ${alert.message}`);
      }
      return await work(store);
    } catch (error) {
      if (created) leaveEmpty = await holdsNothing(store).catch(() => false);
      const signal = interruption.signal();
      throw signal ? stopped(signal) : error;
    } finally {
      await store.close();
    }
  } finally {
    interruption.dispose();
    if (created && leaveEmpty) removeCreatedDataDir(created);
  }
}

export async function runMigrate(io: StoreIo, json: boolean): Promise<void> {
  await withStore(io, async (store) => {
    const report = store.migrations;
    if (json) io.out(`${JSON.stringify({ location: store.location, ...report })}\n`);
    else
      io.out(
        `${store.location}: schema version ${report?.current}; ${report?.applied.length ? `applied ${report.applied.join(', ')}` : 'already up to date'}\n`,
      );
  });
}

export async function runExport(
  io: StoreIo,
  options: { out: string; study?: string | undefined; json: boolean },
): Promise<void> {
  await withStore(io, async (store) => {
    let studyId = options.study;
    if (studyId === undefined) {
      const studies = await listStudies(store.pool);
      if (studies.length !== 1)
        throw new JiaError(
          'USAGE_ERROR',
          studies.length === 0
            ? 'the database holds no study'
            : `the database holds ${studies.length} studies; choose one with --study: ${studies.join(', ')}`,
        );
      studyId = studies[0] as string;
    }
    // Private: the folder it makes 0700, each file 0600 (exportBundle's createExclusively); a
    // folder it made is removed again when the export fails before writing into it.
    const made = mkdirSync(options.out, { recursive: true, mode: 0o700 });
    let lastDraw = 0;
    const exporting = exportBundle(store.pool, studyId, options.out, (file, done, total) => {
      if (!io.progressTty) return;
      const now = Date.now();
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      io.note(
        `\r${file.padEnd(20)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done >= total ? '\n' : ''}`,
      );
    });
    const result = await exporting.catch((error: unknown) => {
      if (made !== undefined) removeEmptyFolders(options.out, made);
      throw error;
    });
    if (options.json) io.out(`${JSON.stringify(result)}\n`);
    else
      io.out(
        `exported study ${studyId} to ${options.out}\n${result.files.map((f) => `  ${f.file.padEnd(20)} ${f.rows} rows`).join('\n')}\n`,
      );
  });
}

/**
 * Removes `dir` and its parents up to `top` (the first folder mkdirSync made), while they are
 * empty: a failed command leaves no empty folder of its own behind.
 */
function removeEmptyFolders(dir: string, top: string): void {
  for (let at = resolve(dir); ; at = resolve(at, '..')) {
    try {
      rmdirSync(at); // only an empty folder
    } catch {
      return;
    }
    if (at === resolve(top)) return;
  }
}

function printAudit(io: StoreIo, report: AuditReport, json: boolean): void {
  if (json) {
    io.out(`${JSON.stringify(report)}\n`);
    return;
  }
  for (const problem of report.problems) io.out(`BROKEN ${problem.path}: ${problem.message}\n`);
  for (const alert of report.alerts) io.out(`ALERT ${alert.path}: ${alert.message}\n`);
  const { unsealed } = report;
  io.out(
    `${report.ok ? 'audit trail intact' : `audit trail BROKEN (${report.problems.length} problem(s); the first is the first broken link)`}: ${report.blocks} blocks, ${report.events} events; head block ${report.head.blockSeq} ${report.head.hash}${unsealed.events > 0 ? `; ${unsealed.events} events not sealed yet, the oldest for ${Math.round(unsealed.oldestAgeSeconds ?? 0)} s` : ''}\n`,
  );
}

/** With JIA_TRIAL_TIMING=1, each phase of verify-audit and its duration on standard error. */
function phaseTiming(io: StoreIo): Pick<VerifyOptions, 'onPhase'> {
  if (io.env.JIA_TRIAL_TIMING !== '1') return {};
  return {
    onPhase: (phase, ms) => io.note(`jia-trial: verify-audit ${phase} ${(ms / 1000).toFixed(3)} s`),
  };
}

/** `--expect-head SEQ:HASH`: a block number and its 64 hex digits. */
export function parseExpectedHead(text: string): ExpectedHead {
  const match = /^(\d{1,15}):([0-9a-fA-F]{64})$/.exec(text.trim());
  if (!match)
    throw new JiaError(
      'USAGE_ERROR',
      `--expect-head ${text}: expected SEQ:HASH, a block number and its 64 hex digits (as verify-audit prints the head)`,
    );
  return { blockSeq: Number(match[1]), hash: (match[2] as string).toLowerCase() };
}

export interface VerifyAuditOptions {
  readonly json: boolean;
  readonly expectHeads: readonly string[];
  readonly anchors: readonly string[];
}

export async function runVerifyAudit(io: StoreIo, options: VerifyAuditOptions): Promise<void> {
  const expectHeads = options.expectHeads.map(parseExpectedHead);
  const anchorProblems = [];
  for (const file of options.anchors) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new JiaError('USAGE_ERROR', `--anchors ${file}: ${(error as Error).message}`);
    }
    const checked = checkAnchors(parseAnchors(text, file), { keyDir: anchorKeyDir(io.env) });
    expectHeads.push(...checked.heads);
    anchorProblems.push(...checked.problems.map((p) => ({ ...p, path: `${file}: ${p.path}` })));
  }
  const verified = await withStore(
    io,
    (store) =>
      verifyAudit(store.pool, {
        expectHeads,
        unsealedAlertSeconds: unsealedAlertSecondsFromEnv(io.env),
        ...phaseTiming(io),
      }),
    { reportsUnsealed: true },
  );
  // An anchor that does not verify is a problem of the check as a whole.
  const report: AuditReport =
    anchorProblems.length === 0
      ? verified
      : { ...verified, ok: false, problems: [...anchorProblems, ...verified.problems] };
  printAudit(io, report, options.json);
  if (!report.ok)
    throw new JiaError('AUDIT_TRAIL_BROKEN', 'the audit trail does not verify', {
      issues: report.problems,
      reported: true,
    });
}

/** `jia-trial audit anchor`: verifies the trail and prints its head, signed, as one JSON line. */
export async function runAuditAnchor(io: StoreIo): Promise<void> {
  const keyDir = anchorKeyDir(io.env);
  const anchor = await withStore(io, (store) =>
    createAnchor(store.pool, { keyDir, database: store.location }),
  );
  io.out(`${JSON.stringify(anchor)}\n`);
  io.note(
    `jia-trial: anchor of block ${anchor.blockSeq} signed with ${keyDir}; keep it outside the database (verify-audit --anchors FILE checks it)`,
  );
}

export async function runBackup(io: StoreIo, out: string, json: boolean): Promise<void> {
  const keyDir = anchorKeyDir(io.env);
  const result = await withStore(io, (store) =>
    backupDatabase(store.pool, out, {
      sign: { keyDir, database: store.location },
      // The sealed randomisation lists, which the runtime role may not read (ADR 0047).
      sealed: store.ownerPool(),
    }),
  );
  if (json) io.out(`${JSON.stringify(result)}\n`);
  else
    io.out(
      `backup written to ${result.dir}: ${result.tables} tables, ${result.rows} rows; audit head block ${result.auditHead.blockSeq} ${result.auditHead.hash}\n`,
    );
}

export async function runRestore(io: StoreIo, dir: string, json: boolean): Promise<void> {
  // The backup first (there, readable, its manifest and signed head valid, its files intact):
  // a backup that cannot be restored opens no database, so creates no data directory.
  const backup = await checkBackup(dir, { keyDir: anchorKeyDir(io.env) });
  // Restore suspends the audit triggers and loads the audit tables: the owner's work.
  const result = await withStore(
    io,
    (store) =>
      restoreDatabase(store.ownerPool(), backup, {
        keyDir: anchorKeyDir(io.env),
        unsealedAlertSeconds: unsealedAlertSecondsFromEnv(io.env),
      }),
    { reportsUnsealed: true },
  );
  if (!json && result.restored) io.out(`restored ${result.rows} rows from ${dir}\n`);
  printAudit(io, result.audit, json);
  if (!result.restored)
    throw new JiaError(
      'BACKUP_INVALID',
      `the backup in ${dir} does not verify; nothing was restored`,
      {
        issues: result.audit.problems,
        reported: true,
      },
    );
}
