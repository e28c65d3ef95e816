// The three modules of the package: the calculator module (`akscert`, what a page loads
// at first paint), the trust module (`akscert/trust`: plus signature checks) and the full
// module (`akscert/full`: plus the simulator). Each answers the calculator's operations
// exactly as the others do, and refuses what it leaves out with a typed error that says
// which module has it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, calc, trust, full, modules, loadCases, classify, SIMULATOR_OPS, SIGNATURE_OPS, TOOL_OUTPUT_OPS, TOOL_OUTPUT_KINDS,
  NOT_IN_CALCULATOR, instantiateRaw, abiCall, moduleBytes,
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

/** Kinds read by one reader, which says which of them it found: either openssl kind
 * reads both of openssl's forms, and `az aks` JSON may turn out to be an ARM operation. */
function family(kind) {
  return kind.startsWith('openssl') ? 'openssl' : kind === 'armOperation' ? 'aksCluster' : kind;
}

/** The input kind a module's refusal names (`input kind \`curl\``), or null. */
function refusedKind(a) {
  if (!a.error || a.error[0] !== 'unavailableOperation') return null;
  const m = /^input kind `(\w+)` is not read by the calculator build of akscert, .*\(load `akscert\/full` for it\)$/.exec(a.error[1]);
  assert.ok(m, a.error[1]);
  return m[1];
}

/** The answer of `m` to a case, or its typed error. */
function answer(m, c) {
  try { return { ok: m.call(c.op, c.input) }; } catch (e) { return { error: [e.kind, e.message] }; }
}

test('the calculator\'s operations answer every case byte for byte alike in all three modules', () => {
  let compared = 0;
  const ownKinds = new Set();
  const toolKinds = new Set();
  for (const c of loadCases()) {
    if (NOT_IN_CALCULATOR.has(c.op) || c.op === 'version') continue;
    // Checking an EC/Ed25519 client key needs elliptic-curve arithmetic, which only the
    // trust module has (tested below); signature checks are refused without it.
    if (c.input.includes('client-key-data') || /"verify":\s*true/.test(c.input)) continue;
    const expected = answer(trust, c);
    assert.deepEqual(answer(full, c), expected, `${c.name} (${c.op}) full`);
    const mine = answer(calc, c);
    const refused = refusedKind(mine);
    if (refused) {
      // Tool output: the calculator says which kind and which module; the others read it
      // (as that kind, when they can read it at all).
      assert.ok(TOOL_OUTPUT_KINDS.has(refused), `${c.name}: ${refused} is read by the calculator`);
      assert.equal(refusedKind(expected), null, `${c.name}: the trust module reads it`);
      if (expected.ok) assert.equal(family(JSON.parse(expected.ok).inputKind), family(refused), c.name);
      toolKinds.add(refused);
      continue;
    }
    assert.deepEqual(mine, expected, `${c.name} (${c.op}) calculator`);
    if (expected.ok && c.op === 'inspect') {
      const kind = JSON.parse(expected.ok).inputKind;
      assert.ok(!TOOL_OUTPUT_KINDS.has(kind), `${c.name}: the calculator read ${kind}`);
      ownKinds.add(kind);
    }
    compared += 1;
  }
  assert.ok(compared > 20, `only ${compared} cases compared`);
  // (Without the shared corpus the cases hold one tool kind and their one kubeconfig has a
  // client key, so is compared above only with the corpus; the tests below take each kind.)
  for (const kind of ['der', 'pem']) assert.ok(ownKinds.has(kind), `no ${kind} case read by the calculator`);
  assert.ok(toolKinds.size >= 1, 'no tool output among the cases');
});

test('a module refuses what it leaves out with a typed error naming the module that has it', () => {
  const refusals = [
    [calc, SIMULATOR_OPS, 'akscert/full'],
    [calc, SIGNATURE_OPS, 'akscert/trust'],
    [calc, TOOL_OUTPUT_OPS, 'akscert/full'],
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

test('the calculator reads certificates; kubeconfigs and tool output are said to be the full module\'s', () => {
  const fnName = (kind) => 'inspect' + kind[0].toUpperCase() + kind.slice(1);
  for (const kind of TOOL_OUTPUT_KINDS) {
    assert.equal(typeof calc[fnName(kind)], 'undefined', `the calculator exports no ${fnName(kind)}()`);
    for (const m of [trust, full]) assert.equal(typeof m[fnName(kind)], 'function', `${m.build()} ${fnName(kind)}()`);
    // Asked for by kind, through the typed face and the JSON face alike.
    const req = { input: 'notAfter=Jan  1 00:00:00 2030 GMT', now: '2026-01-01T00:00:00Z', kind };
    for (const run of [() => calc.inspect(req), () => calc.call('inspect', JSON.stringify(req)), () => calc.inspectBundle(req)]) {
      assert.throws(run, (e) => {
        const m = /^input kind `(\w+)` .*\(load `akscert\/full` for it\)$/.exec(e.message);
        return classify(e) === 'typed' && e.kind === 'unavailableOperation' && m && family(m[1]) === family(kind);
      }, kind);
    }
  }
  for (const kind of ['pem', 'der', 'base64']) assert.equal(typeof calc[fnName(kind)], 'function', kind);
  // Base64 DER (what a kubeconfig's data fields and `kubectl get secret -o json` hold).
  const pem = JSON.parse(loadCases().find((c) => c.name === 'inspect-pem-chain').input).input;
  const b64 = pem.split('-----END CERTIFICATE-----')[0].replace(/-----BEGIN CERTIFICATE-----|\s/g, '');
  const req = { input: b64, now: '2026-01-01T00:00:00Z' };
  assert.equal(calc.inspect(req).inputKind, 'base64');
  assert.deepEqual(calc.inspect(req), trust.inspect(req));
  // Sniffed: `openssl x509 -noout -dates` output is recognised, then refused; the others read it.
  const dates = 'notBefore=Jan  1 00:00:00 2025 GMT\nnotAfter=Jan  1 00:00:00 2030 GMT\n';
  assert.throws(() => calc.inspect({ input: dates, now: '2026-01-01T00:00:00Z' }),
    (e) => e.kind === 'unavailableOperation' && e.message.includes('input kind `opensslDates`'));
  for (const m of [trust, full]) assert.equal(m.inspect({ input: dates, now: '2026-01-01T00:00:00Z' }).inputKind, 'opensslDates');
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
  // The calculator reads no kubeconfig: it names the module that does.
  assert.throws(() => calc.call('inspect', kubeconfig.input),
    (e) => e.kind === 'unavailableOperation' && e.message.includes('input kind `kubeconfig`') && /akscert\/full/.test(e.message));
  const small = JSON.parse(full.call('inspect', kubeconfig.input));
  assert.ok(small.notes.some((n) => /not compared with its certificate in this module.*akscert\/trust/.test(n)),
    JSON.stringify(small.notes));
  assert.equal(small.kubeconfig.users[0].clientKeyError, null);
  const checked = JSON.parse(trust.call('inspect', kubeconfig.input));
  assert.ok(!checked.notes.some((n) => /not compared with its certificate/.test(n)), JSON.stringify(checked.notes));
  const req = JSON.parse(kubeconfig.input);
  for (const m of [calc, full]) {
    assert.throws(() => m.inspect({ ...req, verify: true }), (e) => e.kind === 'unavailableOperation' && /akscert\/(trust|full)/.test(e.message));
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
