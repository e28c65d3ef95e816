// The text to inspect crosses into the module apart from the request's JSON (the glue's
// TextEncoder, wasm/src/input_apart.rs) whenever that cannot change the answer. Every
// request below is answered twice by each module: as given, and with its text wrapped in
// a `String` object, which JSON.stringify writes as the same JSON but which always takes
// the general path (the request as JSON text). Results and errors must be the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modules, loadCases } from './support.mjs';

const pem = JSON.parse(loadCases().find((c) => c.name === 'inspect-pem-chain').input).input;
const now = '2026-01-01T00:00:00Z';

/** The answer of `f(request)`, or its error's kind and message. */
function outcome(f, request) {
  try { return { ok: f(request) }; } catch (e) { return { error: [e.kind, e.message] }; }
}

/** `request` with its `input` string wrapped in a `String` object (the general path). */
function general(request) {
  if (typeof request === 'string') return { input: new String(request) };
  return { ...request, input: new String(request.input) };
}

/** Requests for which the two paths must agree, each with what it exercises. */
const requests = [
  ['a PEM bundle as a string', pem],
  ['a request object', { input: pem, now }],
  ['no `now`: the module fills in the current instant', { input: pem, warnWithin: '3650d' }],
  ['text around the PEM, not all ASCII', { input: `café ✓ 证书\n${pem}\nnaïve`, now }],
  ['U+FFFD in the text (the general path decides)', { input: `\ufffd\n${pem}`, now }],
  ['a lone surrogate', { input: `${pem}\ud800`, now }],
  ['both input and inputBase64', { input: pem, inputBase64: 'MA==', now }],
  ['an unknown field', { input: pem, now, colour: 'blue' }],
  ['a bad `now`', { input: pem, now: 'soon' }],
  ['a kind that does not match', { input: pem, now, kind: 'kubeconfig' }],
  ['a source name', { input: pem, now, source: 'ca.pem' }],
  ['text that is no certificate', { input: 'hello', now }],
  ['an empty text', { input: '', now }],
  ['a string that is not PEM', 'hello world'],
];

for (const [build, m] of Object.entries(modules)) {
  test(`${build}: inspect, inspectBundle and inspectPem answer alike on either path`, () => {
    for (const [what, request] of requests) {
      for (const f of [m.inspect, m.inspectBundle, m.inspectPem]) {
        const fast = outcome(f, request);
        const slow = outcome(f, general(request));
        // The instant the module fills in differs between two calls; nothing else may.
        if (fast.ok && slow.ok && typeof request === 'object' && !('now' in request)) {
          fast.ok.now = slow.ok.now;
        }
        assert.deepEqual(fast, slow, `${build} ${f.name}: ${what}`);
      }
    }
  });
}

test('a lone surrogate is refused by name on the fast path too', () => {
  assert.throws(() => modules.calculator.inspectBundle({ input: `${pem}\udc00`, now }),
    (e) => e.kind === 'badInput' && /^input: .*lone UTF-16 surrogate/.test(e.message));
});

test('what JSON.stringify would not write is not read: a toJSON method, an inherited or hidden input', () => {
  const calc = modules.calculator;
  // toJSON decides what the request is, as JSON.stringify has it.
  const withToJson = { input: 'ignored', toJSON: () => ({ input: pem, now }) };
  assert.equal(calc.inspectBundle(withToJson).count, 2);
  // An inherited or non-enumerable `input` is not part of the request.
  const inherited = Object.create({ input: pem });
  inherited.now = now;
  assert.throws(() => calc.inspectBundle(inherited), (e) => e.kind === 'invalidRequest' && /exactly one of `input`/.test(e.message));
  const hidden = Object.defineProperty({ now }, 'input', { value: pem, enumerable: false });
  assert.throws(() => calc.inspectBundle(hidden), (e) => e.kind === 'invalidRequest' && /exactly one of `input`/.test(e.message));
  // An inherited or non-enumerable `now` is seen but not written, on either path.
  for (const make of [
    (input) => Object.assign(Object.create({ now }), { input }),
    (input) => Object.defineProperty({ input }, 'now', { value: now, enumerable: false }),
  ]) {
    const fast = outcome(calc.inspectBundle, make(pem));
    assert.deepEqual(fast, outcome(calc.inspectBundle, make(new String(pem))));
    assert.equal(fast.error?.[0], 'badInput', JSON.stringify(fast));
  }
  // A getter for `input` runs once, as under JSON.stringify.
  let reads = 0;
  const getter = Object.defineProperty({ now }, 'input', { get: () => { reads += 1; return pem; }, enumerable: true });
  assert.equal(calc.inspectBundle(getter).count, 2);
  assert.equal(reads, 1);
  // The caller's object is not changed.
  const request = { input: pem, kind: 'kubeconfig' };
  assert.equal(calc.inspectPem(request).certificates.length, 2);
  assert.deepEqual(request, { input: pem, kind: 'kubeconfig' });
});
