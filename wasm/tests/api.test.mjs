// The JS API against the core's native answers: for every case the Rust test wrote,
// `call()` returns the native JSON byte for byte, the typed function given an object
// returns an object whose JSON.stringify is that same text, and errors are typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, modules, loadCases, fnFor, classify, assertPlainJson, assertSameText, KINDS } from './support.mjs';

const cases = loadCases();

test('version and operations describe each module; the package answers every operation', () => {
  for (const [build, m] of Object.entries(modules)) {
    const v = m.version();
    assert.equal(v.apiVersion, 'akscert/v1');
    assert.equal(v.build, build);
    assert.deepEqual(v.operations, m.operations(), build);
  }
  for (const op of ['version', 'policy', 'simulate', 'simulateCluster', 'report', 'whatIf', 'inspect',
    'inspectSet', 'checkTrust', 'aksFacts', 'inspectBundle', 'fleetReport', 'openScenario',
    'simulateOpenCluster', 'foldCluster']) {
    assert.ok(api.operations().includes(op), op);
  }
});

test('an open scenario: each cluster through JS is simulateCluster\'s answer, byte for byte', () => {
  const open = cases.find((c) => c.name === 'open-example');
  const clusters = cases.filter((c) => c.name.startsWith('example-cluster-'));
  assert.ok(open && clusters.length > 1);
  const by = '2024-01-01T00:00:00Z';
  let leftOut = 0;
  assertSameText(JSON.stringify(api.openScenario(JSON.parse(open.input))), open.expected.ok, 'openScenario');
  for (const c of [...clusters].reverse()) {
    const { index } = JSON.parse(c.input);
    assertSameText(api.call('simulateOpenCluster', JSON.stringify({ index })), c.expected.ok, `${c.name}, call()`);
    assertSameText(JSON.stringify(api.simulateOpenCluster({ index })), c.expected.ok, `${c.name}, typed`);
    // With `row`: the timeline's line, then the row's decision on a second line.
    const withRow = api.call('simulateOpenCluster', JSON.stringify({ index, row: { now: '2026-11-28T00:00:00Z', warnWithin: '30d' } }));
    const [timeline, decision, ...rest] = withRow.split('\n');
    assert.equal(rest.length, 0);
    assertSameText(timeline, c.expected.ok, `${c.name}, with row`);
    const { urgency, items } = JSON.parse(decision);
    assert.ok(['error', 'overdue', 'due', 'later', 'ok'].includes(urgency), urgency);
    const actions = JSON.parse(timeline).summary.actions;
    assert.ok(items.every((i) => Number.isInteger(i) && i < actions.length), decision);
    assert.throws(() => api.simulateOpenCluster({ index, row: { now: '2026-11-28T00:00:00Z', warnWithin: '30d' } }),
      (e) => e.name === 'invalidRequest' && /call\('simulateOpenCluster'/.test(e.message));
    // Leaving out the actions resolved by an instant: the same summary less those.
    const full = JSON.parse(c.expected.ok).summary;
    const slim = api.simulateOpenCluster({ index, leaveOutResolvedBy: by }).summary;
    assert.deepEqual(slim.actions, full.actions.filter((a) => a.resolved === null || a.resolved > by), c.name);
    assert.deepEqual({ ...slim, actions: [] }, { ...full, actions: [] }, c.name);
    leftOut += full.actions.length - slim.actions.length;
  }
  assert.ok(leftOut > 0, 'the example resolves actions before 2024');
});

test('policy defaults are the documented AKS values', () => {
  const p = api.policyDefaults();
  assert.equal(p.caLifetime, '10950d');
  assert.equal(p.autorotationFraction, 0.8);
  assert.equal(p.rotateCertsMaxDowntime, '30m');
  assert.equal(p.kscrOptOutTag, 'aks-disable-kubelet-serving-certificate-rotation');
  assert.equal(p.kscrSnapshotFloor.endsWith('202501.12.0'), true);
});

for (const c of cases) {
  test(`${c.name} (${c.op})`, () => {
    const fn = fnFor(c.op);
    if (c.expected.ok !== undefined) {
      // The JSON face: the very bytes the core returns natively.
      assertSameText(api.call(c.op, c.input), c.expected.ok, 'call()');
      // A string argument is JSON text: the same answer, as an object. Integers beyond
      // 2^53 (a 64-bit seed echoed in the output) become the nearest JS number, exactly
      // as JSON.parse of the native text gives them.
      if (c.input !== '') {
        const expected = c.objectSafe ? c.expected.ok : JSON.stringify(JSON.parse(c.expected.ok));
        assertSameText(JSON.stringify(fn(c.input)), expected, 'typed function, JSON text in');
      }
      // An object argument: an object whose JSON is those bytes; plain data only.
      if (c.objectSafe) {
        const arg = c.input === '' ? undefined : JSON.parse(c.input);
        const out = fn(arg);
        assertPlainJson(out);
        assertSameText(JSON.stringify(out), c.expected.ok, 'typed function, object in');
      }
    } else {
      const { kind, message } = c.expected.error;
      assert.ok(KINDS.has(kind), `core kind ${kind} is known to the JS tests`);
      for (const attempt of [() => api.call(c.op, c.input), () => fn(c.input)]) {
        assert.throws(attempt, (e) => {
          assert.equal(classify(e), 'typed', `${e}`);
          assert.equal(e.name, kind);
          assert.equal(e.kind, kind);
          assert.equal(e.message, message);
          return true;
        });
      }
      let parsed;
      try { parsed = JSON.parse(c.input); } catch { parsed = undefined; }
      if (parsed !== undefined && c.objectSafe) {
        // From an object the text differs (positions point into JSON.stringify's text),
        // the kind does not.
        assert.throws(() => fn(parsed), (e) => classify(e) === 'typed' && e.kind === kind);
      }
    }
  });
}

test('values JSON cannot carry are a typed badInput, not a crash', () => {
  const cyclic = { now: '2024-01-01' };
  cyclic.self = cyclic;
  for (const bad of [{ now: 10n }, cyclic]) {
    assert.throws(() => api.expiryReport(bad), (e) => {
      assert.equal(classify(e), 'typed');
      assert.equal(e.kind, 'badInput');
      assert.match(e.message, /cannot be written as JSON/);
      return true;
    });
  }
  for (const bad of [undefined, null, 42, 'not json', [], () => 1]) {
    assert.throws(() => api.simulate(bad), (e) => classify(e) === 'typed' && e.kind === 'badInput');
  }
});

test('a Date is accepted where an instant is expected (it becomes RFC 3339)', () => {
  const cluster = {
    name: 'd', resourceGroup: 'rg', created: new Date('2023-01-01T00:00:00Z'),
    kubernetesVersion: '1.27.3', nodePools: [{ name: 'p' }],
  };
  const r = api.expiryReport({ now: new Date('2024-01-01T00:00:00Z'), cluster });
  assert.equal(r.now, '2024-01-01T00:00:00Z');
  assert.equal(r.cluster, 'd');
});

test('input over the documented limit is inputTooLarge, and the module still works', () => {
  const big = ' '.repeat(64 * 1024 * 1024 + 1);
  assert.throws(() => api.call('simulate', big), (e) => classify(e) === 'typed' && e.kind === 'inputTooLarge');
  assert.equal(api.version().apiVersion, 'akscert/v1');
});

test('a private key in a kubeconfig is reported as present and never echoed', () => {
  const c = cases.find((x) => x.name === 'inspect-kubeconfig-with-key');
  assert.ok(c, 'the case exists');
  const req = JSON.parse(c.input);
  const keyData = /client-key-data: (\S+)/.exec(req.input)[1];
  const keyPem = Buffer.from(keyData, 'base64').toString('utf8');
  const keyBody = keyPem.split('\n')[1];
  const out = api.inspectKubeconfig(req);
  const text = JSON.stringify(out);
  assert.ok(!text.includes(keyData) && !text.includes(keyBody), 'key material in the output');
  assert.ok(out.secrets.some((s) => s.kind === 'privateKey' && s.value === 'present (redacted)'), JSON.stringify(out.secrets));
  assert.ok(out.certificates.some((x) => x.subject.cn === 'ca'));
});

test('every inspect-by-kind function forces its kind', () => {
  const c = cases.find((x) => x.name === 'inspect-openssl-dates');
  const req = JSON.parse(c.input);
  assert.equal(api.inspectOpensslDates(req).inputKind, 'opensslDates');
  assert.equal(api.inspect(req).inputKind, 'opensslDates');
  // Read as PEM, tool output has no certificate: a typed error or an empty reading, never a trap.
  try {
    const r = api.inspectPem(req);
    assert.equal(r.inputKind, 'pem');
  } catch (e) {
    assert.equal(classify(e), 'typed');
  }
  for (const f of ['inspectPem', 'inspectDer', 'inspectBase64', 'inspectKubeconfig', 'inspectOpensslText',
    'inspectOpensslDates', 'inspectCurl', 'inspectAzRunCommand', 'inspectKubectlCsr', 'inspectKubectlNodes',
    'inspectKubeadmCheckExpiration', 'inspectAksCluster', 'inspectArmOperation']) {
    assert.equal(typeof api[f], 'function', f);
    try { api[f](req); } catch (e) { assert.equal(classify(e), 'typed', `${f}: ${e}`); }
  }
});
