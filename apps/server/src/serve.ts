/**
 * Running the server (`jia-trial serve`, `npm start`; docs/server.md): open the store, on a
 * first run set up the demo study and an administrator, listen, and on SIGTERM or SIGINT stop
 * taking requests, finish the ones in flight and close the database cleanly.
 */
import { readValidBundle } from '@jia-trial/interop';
import {
  createUser,
  grantRole,
  importBundle,
  oneTimePassword,
  openStore,
  pruneSessions,
  type Store,
  type StoreOptions,
  setStudyProtocol,
  translateDatabaseError,
  withTransaction,
} from '@jia-trial/store';
import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from './app.js';

export interface StartOptions extends Omit<ServerOptions, 'store'> {
  readonly store: StoreOptions;
  readonly host: string;
  readonly port: number;
  /** On an empty database: the bundle imported as the demo study (null: none). */
  readonly demo: {
    readonly dir: string;
    readonly studyId: string;
    readonly protocolId: string;
  } | null;
  /** Where the first run's one-time password and progress lines go. */
  note(line: string): void;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly store: Store;
  /** The address it listens on, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** Stops taking requests, waits for those in flight, closes the database. */
  close(): Promise<void>;
}

/** The account the first run creates. */
export const FIRST_ADMIN = 'admin';
const SYSTEM_ACTOR = { id: 'system:first-run', name: 'jia-trial first run' };

/**
 * On a database with no account at all: the demo study (when given) and an administrator with a
 * one-time password, printed once and never stored in clear. Two servers starting at once on a
 * new database: the second finds the account made and does nothing.
 */
async function firstRun(store: Store, options: StartOptions): Promise<void> {
  const accounts = await store.pool.query('SELECT 1 FROM app_user LIMIT 1');
  if (accounts.rowCount) return;
  const password = oneTimePassword();
  const reason = 'first run: the demo study and an administrator';
  const made = await withTransaction(store, SYSTEM_ACTOR, reason, async (tx) => {
    // One first run at a time, across servers.
    await tx.client.query('SELECT pg_advisory_xact_lock(741852965)');
    const again = await tx.client.query('SELECT 1 FROM app_user LIMIT 1');
    if (again.rowCount) return false;
    if (options.demo) {
      const reading = readValidBundle(options.demo.dir, 20);
      // The demo bundle's study file says it is synthetic: the study keeps it (every report says so).
      await importBundle(tx, options.demo.studyId, reading.files, {
        study: reading.study ?? undefined,
      });
    }
    await createUser(tx, {
      username: FIRST_ADMIN,
      displayName: 'Administrator',
      password,
      mustChangePassword: true,
    });
    if (options.demo) {
      await setStudyProtocol(tx, options.demo.studyId, options.demo.protocolId);
      await grantRole(tx, {
        username: FIRST_ADMIN,
        studyId: options.demo.studyId,
        role: 'admin',
        site: null,
      });
    }
    return true;
  });
  if (!made) return;
  options.note(
    [
      'First run: created the account "admin".',
      `  one-time password: ${password}`,
      '  (shown only now; you choose a new one at the first sign-in)',
      ...(options.demo
        ? [`  imported the demo study ${options.demo.studyId} (synthetic data)`]
        : []),
    ].join('\n'),
  );
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const store = await openStore(options.store).catch((error: unknown) => {
    throw translateDatabaseError(error);
  });
  let app: FastifyInstance | null = null;
  try {
    for (const notice of store.notices) options.note(`jia-trial: ${notice}`);
    await firstRun(store, options);
    app = await buildServer({ ...options, store });
    const url = await app.listen({ host: options.host, port: options.port });
    // Expired sessions and old sign-in attempts go at start and every hour (several servers may
    // all do it: deleting what is already gone deletes nothing).
    const prune = () => pruneSessions(store).catch(() => {});
    await prune();
    const pruning = setInterval(prune, 60 * 60 * 1000);
    pruning.unref();
    let closing: Promise<void> | null = null;
    const running = app;
    return {
      app,
      store,
      url,
      close() {
        closing ??= (async () => {
          clearInterval(pruning);
          await running.close();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close();
    await store.close();
    throw error;
  }
}
