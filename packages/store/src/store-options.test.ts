import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeOptionsFromEnv } from './store.js';

test('the environment names the database and the pool size; a bad pool size keeps the default', () => {
  assert.deepEqual(storeOptionsFromEnv({}), {
    databaseUrl: undefined,
    ownerDatabaseUrl: undefined,
    dataDir: 'data',
  });
  assert.equal(storeOptionsFromEnv({ JIA_POOL_SIZE: '32' }).poolSize, 32);
  for (const bad of ['0', '-3', '2.5', 'many', '501', ''])
    assert.equal(storeOptionsFromEnv({ JIA_POOL_SIZE: bad }).poolSize, undefined, bad);
  assert.equal(
    storeOptionsFromEnv({ DATABASE_URL: 'postgres://a@b/c', JIA_DATA_DIR: '/x' }).databaseUrl,
    'postgres://a@b/c',
  );
});
