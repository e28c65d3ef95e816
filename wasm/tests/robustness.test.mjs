// Arbitrary and adversarial input through every JS function and the ABI: every failure
// is a typed error (an Error named by a core kind); a trap or any other exception is a
// bug and fails the test. Seeded, so a failure reproduces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, loadCases, fnFor, classify, instantiateRaw, abiCall } from './support.mjs';

const cases = loadCases().filter((c) => c.expected.ok !== undefined && c.objectSafe && c.input !== '');

function rng(seed) {
  let s = BigInt(seed);
  return () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(s >> 33n) / 2 ** 31;
  };
}

const WEIRD = [null, true, 0, -1, 1e308, -1e-308, 2 ** 53, '', ' ', 'x'.repeat(5000), '9999-12-31T23:59:59Z',
  '0001-01-01', '-5d', '1000000y', '1.99999999', 'AKSUbuntu-0000.00.00', '\u0000', '\ud83d\ude00', [], {}, [[[]]],
  { op: 'rotateCerts' }, 'P1000Y', '1.27', 'Linux', 'System'];

function mutate(value, r) {
  if (Array.isArray(value)) {
    if (value.length && r() < 0.5) {
      const i = Math.floor(r() * value.length);
      const copy = value.slice();
      if (r() < 0.3) copy.splice(i, 1); else copy[i] = mutate(copy[i], r);
      return copy;
    }
    return r() < 0.5 ? value.concat([WEIRD[Math.floor(r() * WEIRD.length)]]) : value;
  }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    const copy = { ...value };
    if (!keys.length || r() < 0.15) {
      copy[`k${Math.floor(r() * 10)}`] = WEIRD[Math.floor(r() * WEIRD.length)];
    } else {
      const k = keys[Math.floor(r() * keys.length)];
      const roll = r();
      if (roll < 0.25) delete copy[k];
      else if (roll < 0.6) copy[k] = WEIRD[Math.floor(r() * WEIRD.length)];
      else copy[k] = mutate(copy[k], r);
    }
    return copy;
  }
  return r() < 0.7 ? WEIRD[Math.floor(r() * WEIRD.length)] : value;
}

function expectTypedOrOk(run, what) {
  try {
    run();
  } catch (e) {
    assert.equal(classify(e), 'typed', `${what}: ${e && e.stack ? e.stack : e}`);
  }
}

test('mutated inputs through every typed function: ok or a typed error, never a trap', () => {
  const r = rng(20261128);
  let typed = 0;
  for (let i = 0; i < 600; i++) {
    const c = cases[Math.floor(r() * cases.length)];
    let input = JSON.parse(c.input);
    const rounds = 1 + Math.floor(r() * 4);
    for (let j = 0; j < rounds; j++) input = mutate(input, r);
    try {
      fnFor(c.op)(input);
    } catch (e) {
      assert.equal(classify(e), 'typed', `${c.name} mutation ${i}: ${e && e.stack ? e.stack : e}\ninput: ${JSON.stringify(input).slice(0, 400)}`);
      typed += 1;
    }
  }
  assert.ok(typed > 100, `the mutations should mostly be refused (refused ${typed})`);
  assert.equal(api.version().apiVersion, 'akscert/v1');
});

test('random bytes and truncated documents through call() and the ABI', () => {
  const r = rng(7);
  const { exports, importCalls } = instantiateRaw();
  const ops = api.operations();
  for (let i = 0; i < 300; i++) {
    const c = cases[Math.floor(r() * cases.length)];
    const cut = c.input.slice(0, Math.floor(r() * c.input.length));
    const op = ops[Math.floor(r() * ops.length)];
    expectTypedOrOk(() => api.call(op, cut), `${op} on a truncated ${c.name}`);
    const bytes = new Uint8Array(Math.floor(r() * 200)).map(() => Math.floor(r() * 256));
    const { status } = abiCall(exports, 1 + Math.floor(r() * ops.length), bytes);
    assert.ok(status === 0 || status === 1);
  }
  assert.equal(importCalls(), 0);
});
