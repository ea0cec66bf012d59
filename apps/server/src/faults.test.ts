/**
 * Faults: the database going away in the middle of the work (every connection cut, new ones
 * refused, as in a restart or a network failure) gives 503 with the error shape, and the server
 * serves again once the database is back, without a restart. The server reaches the database
 * through a TCP proxy the test controls, so that no other test's database is touched.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { openStore, type Store } from '@jia-trial/store';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './app.js';
import { ApiClient, STUDY, startTestServer, type TestServer, TODAY } from './test-support.js';

/** A TCP proxy that can cut every connection and refuse new ones, then accept again. */
class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private up = true;
  readonly server: Server;

  constructor(target: { host: string; port: number }) {
    this.server = createServer((client) => {
      if (!this.up) {
        client.destroy();
        return;
      }
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  /** Cuts every open connection and refuses new ones. */
  cut(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.up = true;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let base: TestServer;
let proxy: CuttableProxy;
let store: Store;
let app: FastifyInstance;
let url: string;

before(async () => {
  base = await startTestServer();
  await base.addUser('ivy', [['investigator', null]]);
  const direct = new URL(base.db.url);
  proxy = new CuttableProxy({ host: direct.hostname, port: Number(direct.port) });
  const proxied = new URL(base.db.url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(await proxy.listen());
  store = await openStore({ databaseUrl: proxied.toString(), migrate: false });
  app = await buildServer({ store, today: () => TODAY });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});

after(async () => {
  await app?.close();
  await store?.close();
  await proxy?.close();
  await base?.close();
});

test('the database going away gives 503 with the error shape; the server recovers when it returns', async () => {
  const client = new ApiClient(url);
  assert.equal((await client.signIn('ivy')).status, 200);
  const status = `/api/v1/studies/${STUDY}/subjects/D02/status?asOf=${TODAY}`;
  assert.equal((await client.request('GET', status)).status, 200);

  proxy.cut();
  for (const path of [status, '/api/v1/studies']) {
    const down = await client.request('GET', path);
    assert.equal(down.status, 503, JSON.stringify(down.body));
    assert.equal(down.body.error.code, 'DATABASE_UNAVAILABLE');
    // No driver text, address or SQL reaches the client.
    assert.doesNotMatch(JSON.stringify(down.body), /ECONN|127\.0\.0\.1|SELECT|terminated/);
  }

  proxy.restore();
  const back = await client.request('GET', status);
  assert.equal(back.status, 200, JSON.stringify(back.body));
  const saved = await client.request('PUT', `/api/v1/studies/${STUDY}/visits/after-outage`, {
    subjectId: 'D02',
    visitDate: '2017-07-01',
    physicianGlobal: 1,
  });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
});
