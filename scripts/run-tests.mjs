#!/usr/bin/env node
// Runs every test file with Node's own test runner. On Node 20, `node --test` neither discovers
// `.ts` files nor expands globs, and with no file it passes having run nothing, so the files are
// listed here explicitly. Workspace imports resolve to TypeScript sources ("source" condition).
// Usage: node scripts/run-tests.mjs [path-substring ...]   (filters the file list)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'protocols', 'apps', 'scripts', 'bench'];
const skipDirs = new Set(['node_modules', 'dist', 'out']);

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipDirs.has(entry.name)) found.push(...findTests(path));
    } else if (entry.name.endsWith('.test.ts')) {
      found.push(relative(root, path));
    }
  }
  return found;
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap((dir) => findTests(join(root, dir)))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

if (files.length === 0) {
  console.error(`No test files found${filters.length ? ` matching ${filters.join(', ')}` : ''}.`);
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', '--test', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
