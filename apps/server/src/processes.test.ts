/**
 * Two server processes (`jia-trial serve`) on one PostgreSQL serve the same users: a session
 * made on one is valid on the other, and signing out on one ends it on both (nothing that
 * matters is in a server's memory). SIGTERM finishes the requests in flight and exits cleanly.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ApiClient, STUDY, startTestServer, type TestServer, TODAY } from './test-support.js';

const CLI = fileURLToPath(new URL('../../cli/bin/jia-trial.js', import.meta.url));

interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
}

async function serve(databaseUrl: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, JIA_OWNER_DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /server on (http:\/\/[\d.]+:\d+)/.exec(text);
      if (found) resolve(found[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${text}`)));
  });
  return { child, url, stderr: () => text };
}

let base: TestServer;
const processes: ServerProcess[] = [];

before(async () => {
  base = await startTestServer();
  await base.addUser('ivy', [['investigator', null]]);
  processes.push(await serve(base.db.url), await serve(base.db.url));
});

after(async () => {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await base?.close();
});

test('a session made on one server is valid on the other; signing out on one ends it on both', async () => {
  const [a, b] = processes as [ServerProcess, ServerProcess];
  const onA = new ApiClient(a.url);
  assert.equal((await onA.signIn('ivy')).status, 200);
  // The same cookie and CSRF token, sent to the other server.
  const onB = Object.assign(new ApiClient(b.url), onA, { baseUrl: b.url });
  const studies = await onB.request('GET', '/api/v1/studies');
  assert.equal(studies.status, 200, JSON.stringify(studies.body));
  assert.deepEqual(
    studies.body.studies.map((s: { studyId: string }) => s.studyId),
    [STUDY],
  );
  const saved = await onB.request('PUT', `/api/v1/studies/${STUDY}/visits/two-servers`, {
    subjectId: 'D02',
    visitDate: '2017-07-02',
    physicianGlobal: 1,
  });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  assert.equal((await onB.request('DELETE', '/api/v1/session')).status, 204);
  assert.equal((await onA.request('GET', '/api/v1/studies')).status, 401);
});

test('SIGTERM: the request in flight is answered, then the server exits 0', async () => {
  const a = processes[0] as ServerProcess;
  const client = new ApiClient(a.url);
  assert.equal((await client.signIn('ivy')).status, 200);
  const inFlight = client.request(
    'GET',
    `/api/v1/studies/${STUDY}/subjects/D02/status?asOf=${TODAY}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 5));
  a.child.kill('SIGTERM');
  const answered = await inFlight;
  assert.equal(answered.status, 200);
  const [code] = await once(a.child, 'exit');
  assert.equal(code, 0, a.stderr());
  assert.match(a.stderr(), /SIGTERM: finishing the requests in flight/);
  assert.match(a.stderr(), /stopped/);
});
