// The C-style host ABI (wasm/ABI.md) of the shipped modules, driven as a non-JS host
// drives them: every JS import is a trap, and none may be called. Each case goes to the
// module that answers its operation (the simulator: full; the rest: trust).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, instantiateRaw, abiCall, abiCallBytes, classify, assertSameText, api, buildFor } from './support.mjs';

const cases = loadCases();
const enc = new TextEncoder();
const opIndex = (name) => api.operationNumber(name);
/** A raw instance of each module a case may need. */
const rawModules = () => ({ trust: instantiateRaw('trust'), full: instantiateRaw('full') });

test('abi version is 3 and the ABI exports have the documented signatures, in every module', () => {
  for (const which of ['calculator', 'trust', 'full']) {
    const { exports } = instantiateRaw(which);
    assert.equal(exports.akscert_abi_version(), 3, which);
    for (const f of ['akscert_alloc', 'akscert_free', 'akscert_call']) {
      assert.equal(typeof exports[f], 'function', f);
    }
    assert.equal(exports.akscert_alloc.length, 1);
    assert.equal(exports.akscert_free.length, 2);
    assert.equal(exports.akscert_call.length, 3);
    assert.ok(exports.memory instanceof WebAssembly.Memory);
  }
});

test('every case through the ABI: status byte + the core JSON, byte for byte; no import called', () => {
  const raw = rawModules();
  for (const c of cases) {
    const { status, json } = abiCall(raw[buildFor(c.op)].exports, opIndex(c.op), enc.encode(c.input));
    if (c.expected.ok !== undefined) {
      assert.equal(status, 0, c.name);
      assertSameText(json, c.expected.ok, c.name);
    } else {
      assert.equal(status, 1, c.name);
      assert.deepEqual(JSON.parse(json), {
        apiVersion: 'akscert/v1', kind: 'Error', error: c.expected.error,
      }, c.name);
    }
  }
  assert.equal(raw.trust.importCalls() + raw.full.importCalls(), 0);
});

test('an open scenario: each cluster through the ABI is simulateCluster\'s answer, byte for byte', () => {
  const { exports, importCalls } = instantiateRaw('full');
  const open = cases.find((c) => c.name === 'open-example');
  const clusters = cases.filter((c) => c.name.startsWith('example-cluster-'));
  assert.ok(open && clusters.length > 1);
  const ask = (index) => abiCall(exports, opIndex('simulateOpenCluster'), enc.encode(JSON.stringify({ index })));
  // Nothing open yet: a typed refusal.
  const before = ask(0);
  assert.equal(before.status, 1);
  assert.equal(JSON.parse(before.json).error.kind, 'invalidRequest');
  const opened = abiCall(exports, opIndex('openScenario'), enc.encode(open.input));
  assert.equal(opened.status, 0);
  assertSameText(opened.json, open.expected.ok, 'openScenario');
  for (const c of [...clusters].reverse()) {
    const { status, json } = ask(JSON.parse(c.input).index);
    assert.equal(status, 0, c.name);
    assertSameText(json, c.expected.ok, c.name);
  }
  assert.equal(importCalls(), 0);
});

test('a packed answer is postcard bytes through the ABI only, and never carries events or certificates', () => {
  const { exports, importCalls } = instantiateRaw('full');
  const open = cases.find((c) => c.name === 'open-example');
  assert.equal(abiCall(exports, opIndex('openScenario'), enc.encode(open.input)).status, 0);
  const ask = (req) => abiCallBytes(exports, opIndex('simulateOpenCluster'), enc.encode(JSON.stringify(req)));
  const slim = { index: 0, includeEvents: false, includeCertificates: false, row: { now: '2026-11-28T00:00:00Z', warnWithin: '30d' } };
  const json = ask(slim);
  const packed = ask({ ...slim, packed: true });
  assert.equal(json.status, 0);
  assert.equal(packed.status, 0);
  const text = new TextDecoder().decode(json.answer);
  assert.ok(text.startsWith('{"index":0,'), text.slice(0, 40));
  // postcard: no field names, so none of the JSON's keys, and far fewer bytes.
  const packedText = new TextDecoder().decode(packed.answer);
  assert.ok(!packedText.includes('"summary"') && !packedText.includes('resourceGroup'), 'no JSON keys');
  assert.ok(packed.answer.length > 50 && packed.answer.length < json.answer.length * 0.8,
    `${packed.answer.length} packed bytes against ${json.answer.length} of JSON`);
  for (const detail of [{ includeEvents: true }, { includeCertificates: true }]) {
    const refused = ask({ ...slim, ...detail, packed: true });
    assert.equal(refused.status, 1, JSON.stringify(detail));
    const doc = JSON.parse(new TextDecoder().decode(refused.answer));
    assert.equal(doc.error.kind, 'invalidRequest');
    assert.match(doc.error.message, /never events or certificates/);
  }
  assert.equal(importCalls(), 0);
  // The JSON faces answer text: they refuse the flag.
  api.openScenario(JSON.parse(open.input));
  for (const face of [() => api.call('simulateOpenCluster', JSON.stringify({ ...slim, packed: true })),
    () => api.simulateOpenCluster({ ...slim, row: undefined, packed: true })]) {
    assert.throws(face, (e) => e.name === 'invalidRequest' && /only the host ABI/.test(e.message));
  }
});

test('a packed input (0xFF, then postcard) is for openScenario, simulateOpenCluster and foldCluster only; bytes that do not decode leave nothing open', () => {
  const { exports, importCalls } = instantiateRaw('full');
  const error = (op, bytes) => {
    const { status, json } = abiCall(exports, opIndex(op), new Uint8Array(bytes));
    assert.equal(status, 1, op);
    return JSON.parse(json).error;
  };
  const open = cases.find((c) => c.name === 'open-example');
  assert.equal(abiCall(exports, opIndex('openScenario'), enc.encode(open.input)).status, 0);
  // Not a scenario: a string of length 200 with nothing after it.
  const bad = error('openScenario', [0xff, 0xc8, 0x01]);
  assert.equal(bad.kind, 'badInput');
  assert.match(bad.message, /^openScenario: packed bytes do not decode/);
  const nothing = error('simulateOpenCluster', [...enc.encode('{"index":0}')]);
  assert.equal(nothing.kind, 'invalidRequest');
  assert.match(nothing.message, /no scenario is open/);
  // A request that is not one: a varint cut short.
  const cut = error('simulateOpenCluster', [0xff, 0x80]);
  assert.equal(cut.kind, 'badInput');
  assert.match(cut.message, /^simulateOpenCluster: packed bytes do not decode/);
  // foldCluster takes nothing else: JSON is refused, and so are bytes that do not decode.
  const json = error('foldCluster', [...enc.encode('{}')]);
  assert.equal(json.kind, 'invalidRequest');
  assert.match(json.message, /^foldCluster: takes a packed input only/);
  const unfolded = error('foldCluster', [0xff, 0x80]);
  assert.equal(unfolded.kind, 'badInput');
  assert.match(unfolded.message, /^foldCluster: packed bytes do not decode/);
  for (const op of ['policy', 'simulate', 'simulateCluster', 'inspect']) {
    const e = error(op, [0xff, 0x0a]);
    assert.equal(e.kind, 'invalidRequest', op);
    assert.equal(e.message, `${op}: takes JSON; a packed input (postcard after byte 0xFF) is for \`openScenario\`, \`simulateOpenCluster\` and \`foldCluster\` only`);
  }
  assert.equal(importCalls(), 0);
});

test('unknown operations and invalid UTF-8 are typed errors, not traps', () => {
  const { exports, importCalls } = instantiateRaw();
  for (const op of [0, api.operations().length + 1, 0xffffffff]) {
    const { status, json } = abiCall(exports, op, enc.encode('{}'));
    assert.equal(status, 1);
    const doc = JSON.parse(json);
    assert.equal(doc.error.kind, 'unknownOperation');
    assert.match(doc.error.message, new RegExp(`#${op >>> 0}`));
  }
  const { status, json } = abiCall(exports, opIndex('simulate'), new Uint8Array([0x7b, 0x0a, 0xc3, 0x28]));
  assert.equal(status, 1);
  const doc = JSON.parse(json);
  assert.equal(doc.error.kind, 'badInput');
  assert.equal(doc.error.message, '. (line 2, column 1): input is not valid UTF-8: invalid byte at offset 2');
  assert.equal(importCalls(), 0);
});

test('alloc: zero length gives a non-zero pointer; an impossible size gives 0, not a trap', () => {
  const { exports } = instantiateRaw();
  assert.notEqual(exports.akscert_alloc(0), 0);
  exports.akscert_free(exports.akscert_alloc(0), 0);
  exports.akscert_free(0, 100);
  assert.equal(exports.akscert_alloc(0xffffffff), 0);
  // Still usable afterwards.
  assert.equal(abiCall(exports, opIndex('version'), new Uint8Array()).status, 0);
});

test('no leak: repeating every case does not grow memory again', () => {
  const raw = rawModules();
  const pass = () => {
    for (const c of cases) abiCall(raw[buildFor(c.op)].exports, opIndex(c.op), enc.encode(c.input));
  };
  const sizes = () => [raw.trust, raw.full].map((r) => r.exports.memory.buffer.byteLength);
  pass();
  const after1 = sizes();
  pass();
  pass();
  assert.deepEqual(sizes(), after1);
});

test('a trap in the module is classified as a bug, never as a typed error', () => {
  // A host that breaks the contract (input pointer past the end of memory) makes the
  // module trap. The classifier every robustness test uses must call that a bug: this
  // is how a Rust panic (an `unreachable` trap under panic=abort) would surface.
  const { exports } = instantiateRaw();
  let caught;
  try {
    exports.akscert_call(opIndex('simulate'), 0xfffffff0, 64);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof WebAssembly.RuntimeError, `expected a trap, got ${caught}`);
  assert.equal(classify(caught), 'bug');
});
