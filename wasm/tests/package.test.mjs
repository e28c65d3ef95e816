// The npm package as a user installs it: resolution through package.json `exports`, the
// browser entry in Node, what `npm pack` would ship, and one module file for every face.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { api, pkgDir, wwwDir, moduleBytes } from './support.mjs';

const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));

test('package.json: ESM, exports with types/node/default, engines, and every listed file exists', () => {
  assert.equal(pkg.name, 'akscert');
  assert.equal(pkg.type, 'module');
  assert.deepEqual(pkg.exports['.'], { types: './index.d.ts', node: './node.js', default: './akscert.js' });
  assert.equal(pkg.types, './index.d.ts');
  assert.equal(pkg.engines.node, '>=20.16');
  for (const f of pkg.files) assert.ok(fs.existsSync(path.join(pkgDir, f)), f);
});

test('the Node entries import nothing, and say which Node they need where it is older', () => {
  for (const entry of ['node.js', 'full/node.js', 'trust/node.js']) {
    const text = fs.readFileSync(path.join(pkgDir, entry), 'utf8');
    assert.ok(!/^import /m.test(text), `${entry} imports (a built-in's ES module wrapper costs a cold start ~1.4 ms)`);
    // A Node without process.getBuiltinModule (before 20.16) is told so, not a TypeError.
    const script = `process.getBuiltinModule = undefined;
      try { await import(${JSON.stringify(pathToFileURL(path.join(pkgDir, entry)).href)}); console.log('loaded'); }
      catch (e) { console.log(e.message); }`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
    assert.equal(out, 'akscert needs Node.js 20.16 or later (process.getBuiltinModule)', entry);
  }
});

test('`import "akscert"` from an installed copy resolves to the Node entry and works', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akscert-install-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(pkgDir, path.join(dir, 'node_modules', 'akscert'), 'dir');
    fs.writeFileSync(path.join(dir, 'main.mjs'), `
      import init, { version, expiryReport } from 'akscert';
      const abi = await init();
      const r = expiryReport({ now: '2024-01-01', cluster: { name: 'x', resourceGroup: 'rg',
        created: '2023-01-01', kubernetesVersion: '1.27.3', nodePools: [{ name: 'p' }] } });
      console.log(JSON.stringify({ v: version().apiVersion, abi: abi.akscert_abi_version(),
        resolved: import.meta.resolve('akscert'), rows: r.rows.length }));
    `);
    const out = JSON.parse(execFileSync(process.execPath, [path.join(dir, 'main.mjs')], { encoding: 'utf8' }));
    assert.equal(out.v, 'akscert/v1');
    assert.equal(out.abi, 3);
    assert.ok(out.resolved.endsWith('/node.js'), out.resolved);
    assert.ok(out.rows > 5);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('`import "akscert/full"` and `"akscert/trust"` from an installed copy resolve to their modules and work', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akscert-install-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(pkgDir, path.join(dir, 'node_modules', 'akscert'), 'dir');
    fs.writeFileSync(path.join(dir, 'main.mjs'), `
      import { build, simulate } from 'akscert/full';
      import * as calculator from 'akscert';
      import * as trust from 'akscert/trust';
      const t = simulate({ apiVersion: 'akscert/v1', kind: 'Scenario', horizon: '2030-01-01',
        clusters: [{ name: 'a', resourceGroup: 'rg', created: '2024-01-01', kubernetesVersion: '1.29.2',
          nodePools: [{ name: 'p', count: 1 }] }] });
      const set = trust.inspectSet({ inputs: [], now: '2026-01-01' });
      console.log(JSON.stringify({ full: build(), calculator: calculator.build(), trust: trust.build(),
        calculatorHasSimulate: 'simulate' in calculator, trustHasSimulate: 'simulate' in trust,
        calculatorHasCheckTrust: 'checkTrust' in calculator, trustItems: set.items.length,
        resolved: import.meta.resolve('akscert/full'), resolvedTrust: import.meta.resolve('akscert/trust'),
        clusters: t.clusters.length }));
    `);
    const out = JSON.parse(execFileSync(process.execPath, [path.join(dir, 'main.mjs')], { encoding: 'utf8' }));
    const { resolved, resolvedTrust, ...rest } = out;
    assert.deepEqual(rest, {
      full: 'full', calculator: 'calculator', trust: 'trust', calculatorHasSimulate: false, trustHasSimulate: false,
      calculatorHasCheckTrust: false, trustItems: 0, clusters: 1,
    });
    assert.ok(resolved.endsWith('/full/node.js'), resolved);
    assert.ok(resolvedTrust.endsWith('/trust/node.js'), resolvedTrust);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the browser entry (full/akscert_full.js) gives the same answers when given the same bytes', async () => {
  const glue = await import(pathToFileURL(path.join(pkgDir, 'full', 'akscert_full.js')).href + '?browser-entry');
  glue.initSync({ module: moduleBytes() });
  const example = fs.readFileSync(new URL('../../examples/scenario.json', import.meta.url), 'utf8');
  assert.equal(glue.call('simulate', example), api.call('simulate', example));
});

test('npm pack ships exactly the package files', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  const files = JSON.parse(out)[0].files.map((f) => f.path).sort();
  // A directory entry ("full/") ships every file in it.
  const expected = pkg.files.flatMap((f) => (f.endsWith('/')
    ? fs.readdirSync(path.join(pkgDir, f)).map((g) => f + g)
    : [f]));
  assert.deepEqual(files, [...expected, 'package.json'].sort());
});

test('the page ships the very same module bytes as the package, for the two modules it uses', () => {
  for (const [file, variable, which] of [['akscert-module.js', 'AKSCERT_WASM_BASE64', 'calculator'],
    ['akscert-full-module.js', 'AKSCERT_FULL_WASM_BASE64', 'full']]) {
    const script = fs.readFileSync(path.join(wwwDir, file), 'utf8');
    const b64 = new RegExp(`${variable} = "([A-Za-z0-9+/=]+)"`).exec(script)[1];
    assert.ok(Buffer.from(b64, 'base64').equals(moduleBytes(which)), file);
  }
});

test('the module imports only functions (so a non-JS host can trap them all)', () => {
  const mod = new WebAssembly.Module(moduleBytes());
  const kinds = new Set(WebAssembly.Module.imports(mod).map((i) => i.kind));
  assert.deepEqual([...kinds], ['function']);
  const exports = WebAssembly.Module.exports(mod).map((e) => e.name);
  for (const e of ['akscert_abi_version', 'akscert_alloc', 'akscert_free', 'akscert_call', 'memory']) {
    assert.ok(exports.includes(e), e);
  }
});
