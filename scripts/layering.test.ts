/**
 * The architecture's layering, enforced (docs/architecture.md): which workspace may import which,
 * nothing outside apps/ importing from apps/, every import of a package declared in its
 * package.json, and the pure packages bundling for the browser without a Node built-in (the same
 * code scores a visit in a form as on the server).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');

/** Each workspace, and the workspaces it may import (its own package.json must declare them). */
const LAYERS: Readonly<Record<string, { dir: string; may: readonly string[] }>> = {
  errors: { dir: 'packages/errors', may: [] },
  outcomes: { dir: 'packages/outcomes', may: ['errors'] },
  protocol: { dir: 'packages/protocol', may: ['errors', 'outcomes'] },
  dictionary: { dir: 'packages/dictionary', may: ['errors', 'outcomes', 'protocol'] },
  store: { dir: 'packages/store', may: ['errors', 'outcomes', 'protocol', 'dictionary'] },
  interop: {
    dir: 'packages/interop',
    may: ['errors', 'outcomes', 'protocol', 'dictionary', 'store'],
  },
  analysis: { dir: 'packages/analysis', may: ['errors', 'outcomes', 'protocol'] },
  protocols: { dir: 'protocols', may: ['errors', 'outcomes', 'protocol'] },
  server: {
    dir: 'apps/server',
    may: [
      'errors',
      'outcomes',
      'protocol',
      'dictionary',
      'store',
      'interop',
      'analysis',
      'protocols',
    ],
  },
  // The command line starts the server (`jia-trial serve`): the one import between apps.
  cli: {
    dir: 'apps/cli',
    may: [
      'errors',
      'outcomes',
      'protocol',
      'dictionary',
      'store',
      'interop',
      'analysis',
      'protocols',
      'server',
    ],
  },
};

/** The packages that must run in a browser: no I/O, no Node built-in. */
const BROWSER = ['errors', 'outcomes', 'protocol', 'dictionary'] as const;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mjs|js)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/**
 * Loaded only when a module runs from its TypeScript sources (tests): the worker thread of
 * interop's parallel.ts registers tsx, which Node 20 does not carry into workers.
 */
const SOURCE_MODE_ONLY = new Set(['tsx/esm/api']);

/** Every module specifier a file imports (static, dynamic and re-exports). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s+'([^']+)'/g),
    ...text.matchAll(/(?:^|\n)\s*import\s+'([^']+)'/g),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ]
    .map((m) => m[1] as string)
    .filter((spec) => !SOURCE_MODE_ONLY.has(spec));
}

const NODE_BUILTINS = new Set(builtinModules);
const isNodeBuiltin = (spec: string) =>
  spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0] as string);
/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

const readPackage = (dir: string) =>
  JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
const WORKSPACE_BY_PACKAGE = new Map(
  Object.entries(LAYERS).map(([name, layer]) => [readPackage(layer.dir).name as string, name]),
);
const ROOT_DEV_DEPENDENCIES = new Set(Object.keys(readPackage('.').devDependencies ?? {}));

/** One import of one file, checked against its workspace's layer and package.json. */
function checkImport(name: string, file: string, spec: string): void {
  const layer = LAYERS[name] as (typeof LAYERS)[string];
  const where = relative(ROOT, file);
  const isTest = /\.(test|fixture)\.ts$|test-support\.ts$/.test(file);
  if (spec.startsWith('.')) {
    const target = relative(join(ROOT, layer.dir), join(file, '..', spec));
    // A test may run the repository's own tooling (scripts/); code stays in its package.
    const tooling = isTest && relative(ROOT, join(file, '..', spec)).startsWith('scripts/');
    assert.ok(!target.startsWith('..') || tooling, `${where}: ${spec} leaves ${layer.dir}`);
    return;
  }
  if (isNodeBuiltin(spec)) return;
  const pkgName = packageOf(spec);
  const pkg = readPackage(layer.dir);
  const devDeclared = (name: string) =>
    ROOT_DEV_DEPENDENCIES.has(name) || name in (pkg.devDependencies ?? {});
  // A package of types only (`fhir/r4.js` from @types/fhir, no code at run time) is declared by
  // its @types package, a development dependency.
  const declared =
    pkgName in (pkg.dependencies ?? {}) ||
    devDeclared(`@types/${pkgName}`) ||
    (isTest && devDeclared(pkgName));
  if (pkgName.startsWith('@jia-trial/')) {
    const target = WORKSPACE_BY_PACKAGE.get(pkgName);
    assert.ok(target, `${where}: ${spec} is no workspace`);
    if (target === name) return;
    // A test may take a shipped protocol definition as its fixture (a real study's schedule),
    // where the protocols do not import the test's own workspace: no cycle, not even in tests.
    const protocolFixture =
      isTest && target === 'protocols' && !(LAYERS.protocols?.may ?? []).includes(name);
    assert.ok(
      layer.may.includes(target) || protocolFixture,
      `${where}: ${name} may not import ${target} (it may import: ${layer.may.join(', ') || 'nothing'})`,
    );
    assert.ok(declared, `${where}: ${pkgName} is not in ${layer.dir}/package.json`);
    return;
  }
  assert.ok(declared, `${where}: ${pkgName} is not declared in ${layer.dir}/package.json`);
}

test('each workspace imports only the workspaces below it, and declares what it imports', () => {
  for (const [name, layer] of Object.entries(LAYERS))
    for (const file of sourceFiles(join(ROOT, layer.dir)))
      for (const spec of imports(file)) checkImport(name, file, spec);
});

test('nothing outside apps/ imports from apps/', () => {
  for (const dir of ['packages', 'protocols', 'bench', 'scripts'])
    for (const file of sourceFiles(join(ROOT, dir)))
      for (const spec of imports(file))
        assert.ok(
          !/(^|\/)apps\//.test(spec) &&
            !spec.startsWith('@jia-trial/cli') &&
            !spec.startsWith('@jia-trial/server'),
          `${relative(ROOT, file)} imports ${spec}`,
        );
});

for (const name of BROWSER)
  test(`${name} bundles for the browser without a Node built-in`, async () => {
    const dir = (LAYERS[name] as { dir: string }).dir;
    const result = await build({
      entryPoints: [join(ROOT, dir, 'src/index.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      conditions: ['source'],
      logLevel: 'silent',
    });
    assert.deepEqual(result.errors, []);
    const code = result.outputFiles[0]?.text ?? '';
    assert.ok(code.length > 100, 'bundled something');
    assert.doesNotMatch(code, /\brequire\(|from ['"]node:|\bprocess\.(env|cwd|argv)/);
  });
