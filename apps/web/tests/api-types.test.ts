import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { apiTypes } from '../scripts/generate-api-types.js';

test("the browser's API types are generated from the server's current OpenAPI document", async () => {
  const committed = await readFile(
    new URL('../src/api/schema.generated.ts', import.meta.url),
    'utf8',
  );
  assert.ok(
    committed === (await apiTypes()),
    'apps/web/src/api/schema.generated.ts is out of date: npm run generate:api -w @jia-trial/web',
  );
});
