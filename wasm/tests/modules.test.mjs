// The two modules of the package: the calculator module (`akscert`, what a page loads at
// first paint) answers its operations exactly as the full module (`akscert/full`) does,
// and refuses the simulator and signature checks with a typed error that says where they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, calc, loadCases, classify, FULL_ONLY, instantiateRaw, abiCall, moduleBytes } from './support.mjs';

test('each module says which build it is', () => {
  assert.equal(api.build(), 'full');
  assert.equal(calc.build(), 'calculator');
  assert.equal(calc.version().build, 'calculator');
  assert.deepEqual(calc.operations(), api.operations().filter((op) => !FULL_ONLY.has(op)));
  for (const op of FULL_ONLY) assert.ok(api.operations().includes(op), op);
});

test('the calculator module answers every case of its operations byte for byte like the full one', () => {
  let compared = 0;
  for (const c of loadCases()) {
    if (FULL_ONLY.has(c.op) || c.op === 'version') continue;
    // Checking an EC/Ed25519 client key needs elliptic-curve arithmetic, which only the
    // full module has (tested below); signature checks are refused by the calculator.
    if (c.input.includes('client-key-data') || /"verify":\s*true/.test(c.input)) continue;
    let full;
    let small;
    try { full = { ok: api.call(c.op, c.input) }; } catch (e) { full = { error: [e.kind, e.message] }; }
    try { small = { ok: calc.call(c.op, c.input) }; } catch (e) { small = { error: [e.kind, e.message] }; }
    assert.deepEqual(small, full, `${c.name} (${c.op})`);
    compared += 1;
  }
  assert.ok(compared > 20, `only ${compared} cases compared`);
});

test('the calculator module refuses the full module\'s operations with a typed error naming it', () => {
  for (const op of FULL_ONLY) {
    assert.throws(() => calc.call(op, '{}'), (e) => classify(e) === 'typed' && e.kind === 'unavailableOperation'
      && e.message.includes(op) && e.message.includes('akscert/full'), op);
    assert.equal(typeof calc[op], 'undefined', `the calculator module exports no ${op}()`);
  }
});

test('ABI numbers are the same in both modules; operationNumber() gives them', () => {
  for (const op of api.operations()) assert.equal(calc.operationNumber(op), api.operationNumber(op), op);
  assert.throws(() => calc.operationNumber('nope'), (e) => e.kind === 'unknownOperation');
  const raw = instantiateRaw('calculator');
  const { status, json } = abiCall(raw.exports, calc.operationNumber('simulate'), new TextEncoder().encode('{}'));
  assert.equal(status, 1);
  assert.equal(JSON.parse(json).error.kind, 'unavailableOperation');
  assert.equal(raw.importCalls(), 0);
  assert.ok(moduleBytes('calculator').length < moduleBytes('full').length);
});

test('what needs elliptic-curve arithmetic is said, not guessed, by the calculator module', () => {
  const kubeconfig = loadCases().find((c) => c.op === 'inspect' && c.input.includes('client-key-data'));
  assert.ok(kubeconfig, 'a kubeconfig case with a client key');
  const small = JSON.parse(calc.call('inspect', kubeconfig.input));
  assert.ok(small.notes.some((n) => /not compared with its certificate in the calculator module/.test(n)),
    JSON.stringify(small.notes));
  assert.equal(small.kubeconfig.users[0].clientKeyError, null);
  const full = JSON.parse(api.call('inspect', kubeconfig.input));
  assert.ok(!full.notes.some((n) => /calculator module/.test(n)));
  const req = JSON.parse(kubeconfig.input);
  assert.throws(() => calc.inspect({ ...req, verify: true }), (e) => e.kind === 'unavailableOperation' && /akscert\/full/.test(e.message));
  assert.ok(api.inspect({ ...req, verify: true }).certificates.every((c) => c.linkedBy === 'signature'));
});

test('the JS face: now defaults to this instant, object errors name paths, plain text inspects', () => {
  const cluster = { name: 'p', resourceGroup: 'rg', created: '2023-01-01T00:00:00Z', kubernetesVersion: '1.29.2',
    nodePools: [{ name: 'nodepool1', count: 1 }] };
  const before = Date.now();
  const r = calc.expiryReport({ cluster });
  const now = Date.parse(r.now);
  assert.ok(now >= before - 1000 && now <= Date.now() + 1000, r.now);
  assert.throws(() => calc.expiryReport({ cluster: { ...cluster, name: 5 } }),
    (e) => e.kind === 'badInput' && e.message.startsWith('cluster.name: ') && !/line \d/.test(e.message));
  // A string that is not a request's JSON is the text to inspect; a request's JSON is read as one.
  const pem = JSON.parse(loadCases().find((c) => c.name === 'inspect-pem-chain').input).input;
  assert.equal(calc.inspect(pem).certificates.length, 2);
  assert.equal(calc.inspectBundle(pem).count, 2);
  assert.equal(calc.inspect(JSON.stringify({ input: pem, now: '2026-01-01' })).now, '2026-01-01T00:00:00Z');
  // A lone surrogate is named for what it is, at its path.
  assert.throws(() => calc.inspect({ input: 'abc\ud800' }),
    (e) => e.kind === 'badInput' && /^input: .*lone UTF-16 surrogate/.test(e.message));
  // inspectSet takes `source`, as inspect does (and still `name`).
  const set = api.inspectSet({ inputs: [{ source: 'chain.pem', input: pem }] });
  assert.equal(set.items[0].source, 'chain.pem');
  assert.equal(api.inspectSet({ inputs: [{ name: 'old.pem', input: pem }] }).items[0].source, 'old.pem');
});
