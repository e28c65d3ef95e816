// The three modules of the package: the calculator module (`akscert`, what a page loads
// at first paint), the trust module (`akscert/trust`: plus signature checks) and the full
// module (`akscert/full`: plus the simulator). Each answers the calculator's operations
// exactly as the others do, and refuses what it leaves out with a typed error that says
// which module has it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, calc, trust, full, modules, loadCases, classify, SIMULATOR_OPS, SIGNATURE_OPS, NOT_IN_CALCULATOR,
  instantiateRaw, abiCall, moduleBytes,
} from './support.mjs';

test('each module says which build it is and lists what it answers', () => {
  for (const [build, m] of Object.entries(modules)) {
    assert.equal(m.build(), build);
    assert.equal(m.version().build, build);
  }
  const all = api.operations();
  assert.deepEqual(calc.operations(), all.filter((op) => !NOT_IN_CALCULATOR.has(op)));
  assert.deepEqual(trust.operations(), all.filter((op) => !SIMULATOR_OPS.has(op)));
  assert.deepEqual(full.operations(), all.filter((op) => !SIGNATURE_OPS.has(op)));
});

/** The answer of `m` to a case, or its typed error. */
function answer(m, c) {
  try { return { ok: m.call(c.op, c.input) }; } catch (e) { return { error: [e.kind, e.message] }; }
}

test('the calculator\'s operations answer every case byte for byte alike in all three modules', () => {
  let compared = 0;
  for (const c of loadCases()) {
    if (NOT_IN_CALCULATOR.has(c.op) || c.op === 'version') continue;
    // Checking an EC/Ed25519 client key needs elliptic-curve arithmetic, which only the
    // trust module has (tested below); signature checks are refused without it.
    if (c.input.includes('client-key-data') || /"verify":\s*true/.test(c.input)) continue;
    const expected = answer(trust, c);
    assert.deepEqual(answer(calc, c), expected, `${c.name} (${c.op}) calculator`);
    assert.deepEqual(answer(full, c), expected, `${c.name} (${c.op}) full`);
    compared += 1;
  }
  assert.ok(compared > 20, `only ${compared} cases compared`);
});

test('a module refuses what it leaves out with a typed error naming the module that has it', () => {
  const refusals = [
    [calc, SIMULATOR_OPS, 'akscert/full'],
    [calc, SIGNATURE_OPS, 'akscert/trust'],
    [trust, SIMULATOR_OPS, 'akscert/full'],
    [full, SIGNATURE_OPS, 'akscert/trust'],
  ];
  for (const [m, ops, where] of refusals) {
    for (const op of ops) {
      assert.throws(() => m.call(op, '{}'), (e) => classify(e) === 'typed' && e.kind === 'unavailableOperation'
        && e.message.includes(op) && e.message.includes(where) && e.message.includes(m.build()), `${m.build()} ${op}`);
      assert.equal(typeof m[op], 'undefined', `the ${m.build()} module exports no ${op}()`);
    }
  }
});

test('ABI numbers are the same in every module; operationNumber() gives them', () => {
  for (const op of api.operations()) {
    for (const m of [calc, trust]) assert.equal(m.operationNumber(op), full.operationNumber(op), op);
  }
  assert.throws(() => calc.operationNumber('nope'), (e) => e.kind === 'unknownOperation');
  for (const [which, op] of [['calculator', 'simulate'], ['calculator', 'checkTrust'], ['trust', 'simulate'], ['full', 'checkTrust']]) {
    const raw = instantiateRaw(which);
    const { status, json } = abiCall(raw.exports, full.operationNumber(op), new TextEncoder().encode('{}'));
    assert.equal(status, 1, `${which} ${op}`);
    assert.equal(JSON.parse(json).error.kind, 'unavailableOperation');
    assert.equal(raw.importCalls(), 0);
  }
  // Each capability costs its own bytes: the calculator is the smallest.
  for (const which of ['trust', 'full']) assert.ok(moduleBytes('calculator').length < moduleBytes(which).length, which);
});

test('what needs elliptic-curve arithmetic is said, not guessed, without the trust module', () => {
  const kubeconfig = loadCases().find((c) => c.op === 'inspect' && c.input.includes('client-key-data'));
  assert.ok(kubeconfig, 'a kubeconfig case with a client key');
  for (const m of [calc, full]) {
    const small = JSON.parse(m.call('inspect', kubeconfig.input));
    assert.ok(small.notes.some((n) => /not compared with its certificate in this module.*akscert\/trust/.test(n)),
      JSON.stringify(small.notes));
    assert.equal(small.kubeconfig.users[0].clientKeyError, null);
  }
  const checked = JSON.parse(trust.call('inspect', kubeconfig.input));
  assert.ok(!checked.notes.some((n) => /not compared with its certificate/.test(n)), JSON.stringify(checked.notes));
  const req = JSON.parse(kubeconfig.input);
  for (const m of [calc, full]) {
    assert.throws(() => m.inspect({ ...req, verify: true }), (e) => e.kind === 'unavailableOperation' && /akscert\/trust/.test(e.message));
  }
  assert.ok(trust.inspect({ ...req, verify: true }).certificates.every((c) => c.linkedBy === 'signature'));
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
