/**
 * A real server for tests: a new database (the store's test support: real PostgreSQL, as the
 * runtime role) holding the synthetic demo study and a second site, a listening server on a
 * free loopback port, and an HTTP client that keeps its session cookie and CSRF token as a
 * browser would.
 */
import { fileURLToPath } from 'node:url';
import type { Role } from '@jia-trial/dictionary';
import { readValidBundle } from '@jia-trial/interop';
import {
  type AccessSettings,
  createUser,
  DEFAULT_ACCESS_SETTINGS,
  grantRole,
  importBundle,
  setStudyProtocol,
  withTransaction,
} from '@jia-trial/store';
import { openTestDatabase, type TestDatabase } from '@jia-trial/store/test-support';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './app.js';

export const STUDY = 'demo';
/** The demo bundle's site, and a second site added for the tests of site scoping. */
export const HOME_SITE = 'UMCU';
export const OTHER_SITE = 'OTHER';
/** A subject of each site. */
export const HOME_SUBJECT = 'D01';
export const OTHER_SUBJECT = 'X-01';
/** The demo's data cut: the server's "today" in tests. */
export const TODAY = '2017-12-31';
export const PASSWORD = 'a test password of some length';

const DEMO_BUNDLE = fileURLToPath(new URL('../../../examples/msc-jia-demo', import.meta.url));
const SETUP = { id: 'test:setup', name: 'test setup' };

export interface Response {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON came back
  readonly body: any;
}

export class ApiClient {
  /** The session cookie (name=value) as a browser would send it. */
  cookie: string | null = null;
  csrfToken: string | null = null;

  constructor(readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrfToken && !['GET', 'HEAD'].includes(method)
          ? { 'x-csrf-token': this.csrfToken }
          : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0] as string;
      this.cookie = pair.endsWith('=') ? null : pair;
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    if (parsed && typeof parsed === 'object' && 'csrfToken' in parsed)
      this.csrfToken = (parsed as { csrfToken: string }).csrfToken;
    return { status: response.status, headers: response.headers, body: parsed };
  }

  async signIn(username: string, password = PASSWORD): Promise<Response> {
    return this.request('POST', '/api/v1/session', { username, password });
  }
}

export interface TestServer {
  readonly url: string;
  readonly db: TestDatabase;
  readonly app: FastifyInstance;
  /** A new client signed in as `username` (made by addUser). */
  client(username?: string): Promise<ApiClient>;
  /** An account with these roles in the study (default: the demo study) ([role, site or null]). */
  addUser(
    username: string,
    roles: ReadonlyArray<readonly [Role, string | null]>,
    studyId?: string,
  ): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** The access settings (default: the defaults, whatever the environment says). */
  readonly accessSettings?: AccessSettings;
  /** The server's today (default: TODAY, the demo's data cut). */
  readonly today?: string;
  /** More studies, each an example bundle under a protocol (e.g. examples/jia-withdrawal). */
  readonly studies?: ReadonlyArray<{
    readonly studyId: string;
    readonly bundle: string;
    readonly protocol: string;
  }>;
}

/** An example bundle of the repository (examples/<name>). */
export const exampleBundle = (name: string): string =>
  fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = await openTestDatabase();
  const reading = readValidBundle(DEMO_BUNDLE, 20);
  await withTransaction(db.store, SETUP, 'test setup', async (tx) => {
    await importBundle(tx, STUDY, reading.files, { study: reading.study ?? undefined });
    await setStudyProtocol(tx, STUDY, 'msc-jia');
    await tx.client.query('INSERT INTO site (study_id, site_code) VALUES ($1, $2)', [
      STUDY,
      OTHER_SITE,
    ]);
    await tx.client.query(
      `INSERT INTO subject (study_id, subject_id, site_code, sex, birth_date, ilar_category,
                            diagnosis_date, enrolment_date)
       VALUES ($1, $2, $3, 'F', '2008-03', 'polyarticular_rf_negative', '2012-05-01', '2017-01-10')`,
      [STUDY, OTHER_SUBJECT, OTHER_SITE],
    );
  });
  // Each in a transaction of its own (an import stages its rows in temporary tables of its own).
  for (const study of options.studies ?? [])
    await withTransaction(db.store, SETUP, 'test setup', async (tx) => {
      const more = readValidBundle(study.bundle, 20);
      await importBundle(tx, study.studyId, more.files, { study: more.study ?? undefined });
      await setStudyProtocol(tx, study.studyId, study.protocol);
    });
  const app = await buildServer({
    store: db.store,
    today: () => options.today ?? TODAY,
    accessSettings: options.accessSettings ?? DEFAULT_ACCESS_SETTINGS,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    db,
    app,
    async client(username?: string) {
      const client = new ApiClient(url);
      if (username) {
        const signed = await client.signIn(username);
        if (signed.status !== 200)
          throw new Error(
            `sign-in of ${username}: ${signed.status} ${JSON.stringify(signed.body)}`,
          );
      }
      return client;
    },
    async addUser(username, roles, studyId = STUDY) {
      await withTransaction(db.store, SETUP, 'test setup', async (tx) => {
        await createUser(tx, {
          username,
          displayName: `Test ${username}`,
          password: PASSWORD,
          mustChangePassword: false,
        });
        for (const [role, site] of roles) await grantRole(tx, { username, studyId, role, site });
      });
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}
