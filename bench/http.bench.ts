/**
 * The server benchmark (`npm run bench -- http`; bench/README.md): saving a visit through HTTP
 * (session, CSRF, validation, scores, audit, one transaction) from concurrent clients on
 * loopback, beside the store's own save path (`saveVisit` on the pool) measured in the same
 * run on the same database; reading a subject with 50 visits; and the cost of a sign-in.
 *
 * A fresh embedded PostgreSQL in a temporary directory, shared by this process (the store path)
 * and `jia-trial serve` (its own process, as in use; built CLI); the clients are keep-alive HTTP
 * connections, one per writer.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readValidBundle } from '@jia-trial/interop';
import {
  ARGON2_PARAMETERS,
  createUser,
  grantRole,
  importBundle,
  openStore,
  type Store,
  saveVisit,
  setStudyProtocol,
  withTransaction,
} from '@jia-trial/store';
import { ownCpuMs, treeCpuMs } from './process-cpu.js';
import { postmasterPid, serve } from './serve-process.js';
import { median } from './stats.js';
import { writeStoreBundle } from './store-bundle-generator.js';

const STUDY = 'bench';
const PASSWORD = 'a benchmark password';
const ACTOR = { id: 'bench:setup', name: 'benchmark set-up' };

interface Run {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
  /** CPU ms per operation (warm-up included) of each process group, when sampled. */
  readonly cpuPerOp: CpuSample | null;
}

/** CPU ms used so far: this process (the clients or the store path), the server, PostgreSQL. */
interface CpuSample {
  readonly bench: number;
  readonly server: number;
  readonly postgres: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** `writers` loops doing `work` for `seconds` after `warmup` seconds; latencies in ms. */
async function measure(
  writers: number,
  warmup: number,
  seconds: number,
  work: (writer: number, n: number) => Promise<void>,
  cpu?: () => CpuSample,
): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  let done = 0;
  const cpuBefore = cpu?.();
  const start = performance.now();
  const measureFrom = start + warmup * 1000;
  const end = measureFrom + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let n = 0; performance.now() < end; n++) {
        const t0 = performance.now();
        try {
          await work(writer, n);
        } catch (error) {
          errors++;
          if (errors <= 3) console.error(error);
          continue;
        }
        const t1 = performance.now();
        done++;
        if (t0 >= measureFrom && t1 <= end) latencies.push(t1 - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const cpuAfter = cpu?.();
  const perOp = (key: keyof CpuSample) =>
    cpuBefore && cpuAfter ? (cpuAfter[key] - cpuBefore[key]) / done : Number.NaN;
  return {
    cpuPerOp: cpu
      ? { bench: perOp('bench'), server: perOp('server'), postgres: perOp('postgres') }
      : null,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    errors,
  };
}

/** A minimal keep-alive HTTP client holding one session. */
class Client {
  private cookie = '';
  private csrf = '';
  constructor(
    private readonly port: number,
    private readonly agent: Agent,
  ) {}

  call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: {
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': payload.length }
              : {}),
            ...(this.cookie ? { cookie: this.cookie } : {}),
            ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const setCookie = res.headers['set-cookie']?.[0];
            if (setCookie) this.cookie = setCookie.split(';')[0] as string;
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  async signIn(username: string): Promise<void> {
    const r = await this.call('POST', '/api/v1/session', { username, password: PASSWORD });
    if (r.status !== 200) throw new Error(`sign-in: ${r.status} ${r.text}`);
    this.csrf = JSON.parse(r.text).csrfToken;
  }
}

function visit(subjectId: string, visitId: string, n: number) {
  return {
    subjectId,
    visitDate: `2021-${String(1 + (n % 12)).padStart(2, '0')}-15`,
    physicianGlobal: (n % 10) + 0.5,
    parentGlobal: (n % 9) + 1,
    chaqDi: (n % 24) / 8,
    activeJoints: n % 12,
    limitedJoints: n % 7,
    esr: 5 + (n % 40),
    crp: (n % 30) / 2,
    morningStiffnessMinutes: n % 90,
    visitId,
  };
}

async function setUp(store: Store, workDir: string, subjects: number): Promise<void> {
  const made = await writeStoreBundle(join(workDir, 'bundle'), {
    subjects,
    visitsPerSubject: 50,
    seed: 1,
  });
  const reading = readValidBundle(made.dir, 20);
  await withTransaction(store, ACTOR, 'benchmark set-up', async (tx) => {
    await importBundle(tx, STUDY, reading.files);
    await setStudyProtocol(tx, STUDY, 'jia-cohort');
    await createUser(tx, {
      username: 'bench',
      displayName: 'Benchmark',
      password: PASSWORD,
      mustChangePassword: false,
    });
    await grantRole(tx, { username: 'bench', studyId: STUDY, role: 'investigator', site: null });
  });
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const sumErrors = (runs: readonly Run[]) => runs.reduce((total, r) => total + r.errors, 0);

export async function runHttpBench(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      writers: { type: 'string', default: '32' },
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      reps: { type: 'string', default: '2' },
      subjects: { type: 'string', default: '200' },
    },
  });
  const writers = Number(values.writers);
  const seconds = Number(values.seconds);
  const warmup = Number(values.warmup);
  const reps = Number(values.reps);
  const workDir = await mkdtemp(join(os.tmpdir(), 'jia-http-bench-'));
  await chmod(workDir, 0o711);
  const store = await openStore({ dataDir: join(workDir, 'data'), poolSize: writers });
  try {
    await setUp(store, workDir, Number(values.subjects));
    const subjectIds = (
      await store.pool.query<{ subject_id: string }>(
        'SELECT subject_id FROM subject WHERE study_id = $1 ORDER BY 1',
        [STUDY],
      )
    ).rows.map((r) => r.subject_id);
    // The writes go to the first subjects; the reads to the last 20, which keep their 50 visits.
    const readIds = subjectIds.splice(-20);
    const server = await serve(join(workDir, 'data'), writers);
    const port = server.port;
    const postmaster = await postmasterPid(join(workDir, 'data'));
    const cpu = (): CpuSample => ({
      bench: ownCpuMs(),
      server: treeCpuMs(server.pid),
      postgres: treeCpuMs(postmaster),
    });
    const agent = new Agent({ keepAlive: true, maxSockets: writers });
    const clients = Array.from({ length: writers }, () => new Client(port, agent));
    for (const c of clients) await c.signIn('bench');

    const storeRuns: Run[] = [];
    const httpRuns: Run[] = [];
    const change = { actor: { id: 'bench:store', name: 'store path' }, reason: '' };
    for (let rep = 0; rep < reps; rep++) {
      storeRuns.push(
        await measure(
          writers,
          warmup,
          seconds,
          async (w, n) => {
            const subject = subjectIds[(w * 7919 + n) % subjectIds.length] as string;
            await saveVisit(
              store.pool,
              STUDY,
              visit(subject, `s${rep}-${w}-${n}`, n),
              null,
              change,
            );
          },
          cpu,
        ),
      );
      httpRuns.push(
        await measure(
          writers,
          warmup,
          seconds,
          async (w, n) => {
            const subject = subjectIds[(w * 7919 + n) % subjectIds.length] as string;
            const id = `h${rep}-${w}-${n}`;
            const { visitId: _, ...body } = visit(subject, id, n);
            const r = await (clients[w] as Client).call(
              'PUT',
              `/api/v1/studies/${STUDY}/visits/${id}`,
              body,
            );
            if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
          },
          cpu,
        ),
      );
      console.log(
        `rep ${rep + 1}: store ${fmt(storeRuns.at(-1)?.perSecond ?? 0, 0)}/s, HTTP ${fmt(httpRuns.at(-1)?.perSecond ?? 0, 0)}/s`,
      );
    }

    // Reading one subject with 50 visits (every record, each visit scored), by 1 client and by
    // all of them at once; and the status route (timeline and protocol engine).
    const readSubject = (path: (subject: string) => string) => async (w: number, n: number) => {
      const subject = readIds[(w * 31 + n) % readIds.length] as string;
      const r = await (clients[w] as Client).call('GET', path(subject));
      if (r.status !== 200) throw new Error(`${r.status} ${r.text}`);
    };
    const subjectPath = (subject: string) => `/api/v1/studies/${STUDY}/subjects/${subject}`;
    const statusPath = (subject: string) =>
      `/api/v1/studies/${STUDY}/subjects/${subject}/status?asOf=2022-01-01`;
    const readOne = await measure(1, warmup, seconds, readSubject(subjectPath));
    const readRun = await measure(writers, warmup, seconds, readSubject(subjectPath));
    const statusOne = await measure(1, warmup, seconds, readSubject(statusPath));

    const signIns: number[] = [];
    const probe = new Client(port, new Agent({ keepAlive: true }));
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      await probe.signIn('bench');
      signIns.push(performance.now() - t0);
    }
    await server.stop();

    const med = (runs: Run[], key: Exclude<keyof Run, 'cpuPerOp'>) =>
      median(runs.map((r) => r[key]));
    const ratio = med(httpRuns, 'perSecond') / med(storeRuns, 'perSecond');
    const rows = [
      ['`saveVisit` on the pool (store path)', storeRuns],
      ['`PUT /visits/{id}` over HTTP', httpRuns],
      ['`GET /subjects/{id}`, 50 visits, 1 client', [readOne]],
      [`\`GET /subjects/{id}\`, 50 visits, ${writers} clients`, [readRun]],
      ['`GET /subjects/{id}/status`, 50 visits, 1 client', [statusOne]],
    ] as const;
    console.log(
      `\n# Server benchmark\n\nDate: ${new Date().toISOString()}. Embedded PostgreSQL, \`jia-trial serve\` in its own process, ${writers} concurrent clients on loopback, ${seconds} s after ${warmup} s warm-up, ${reps} repetition(s) of the writes (medians); ${subjectIds.length + readIds.length} subjects with 50 visits each (the reads on 20 that the writes leave alone).\n`,
    );
    console.log('| measurement | per s | p50 (ms) | p99 (ms) | max (ms) | errors | runs (per s) |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [name, runs] of rows)
      console.log(
        `| ${name} | ${fmt(med([...runs], 'perSecond'), 0)} | ${fmt(med([...runs], 'p50'))} | ${fmt(med([...runs], 'p99'))} | ${fmt(med([...runs], 'max'))} | ${sumErrors(runs)} | ${runs.map((r) => fmt(r.perSecond, 0)).join(', ')} |`,
      );
    console.log(
      `\n- HTTP saves against the store path: **${fmt(ratio, 2)}x** (target at least 0.7x: ${ratio >= 0.7 ? 'met' : 'NOT met'})`,
    );
    const p99 = med(httpRuns, 'p99');
    console.log(
      `- HTTP save p99: **${fmt(p99)} ms** (target under 50 ms: ${p99 < 50 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `- subject read p99, one client: **${fmt(readOne.p99)} ms**; ${writers} clients at once: ${fmt(readRun.p99)} ms (target under 20 ms: ${readOne.p99 < 20 ? 'met' : 'NOT met'} for one client)`,
    );
    console.log(
      '\nCPU per save (ms; warm-up included): the benchmark process (the store path, or the HTTP clients), `jia-trial serve`, PostgreSQL (postmaster and backends)\n',
    );
    console.log('| path | benchmark process | server | PostgreSQL | total |');
    console.log('|---|---:|---:|---:|---:|');
    for (const [name, runs] of [
      ['store path', storeRuns],
      ['HTTP', httpRuns],
    ] as const) {
      const part = (key: keyof CpuSample) =>
        median(runs.map((r) => r.cpuPerOp?.[key] ?? Number.NaN));
      const [b, sv, pg] = [part('bench'), part('server'), part('postgres')];
      console.log(
        `| ${name} | ${fmt(b, 2)} | ${fmt(sv, 2)} | ${fmt(pg, 2)} | ${fmt(b + sv + pg, 2)} |`,
      );
    }
    const sorted = [...signIns].sort((a, b) => a - b);
    console.log(
      `- a sign-in (argon2id m=${ARGON2_PARAMETERS.memoryCost} KiB, t=${ARGON2_PARAMETERS.timeCost}, p=${ARGON2_PARAMETERS.parallelism}, one at a time): median ${fmt(median(sorted))} ms, min ${fmt(sorted[0] ?? 0)} ms, max ${fmt(sorted.at(-1) ?? 0)} ms over ${sorted.length}`,
    );
    console.log(
      `- machine: ${os.cpus()[0]?.model} x ${os.cpus().length}, Node.js ${process.version}`,
    );
    return 0;
  } finally {
    await store.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
