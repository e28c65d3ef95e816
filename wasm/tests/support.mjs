// Shared by the package's Node tests: load the built package, the cases the Rust test
// wrote (with the core's native answers), and tell a typed API error from a bug.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const pkgDir = process.env.AKSCERT_PKG && path.resolve(process.env.AKSCERT_PKG);
export const wwwDir = process.env.AKSCERT_WWW && path.resolve(process.env.AKSCERT_WWW);
if (!pkgDir) throw new Error('AKSCERT_PKG must name the built package (run via cargo test)');

/** The package's calculator module (`akscert`), loaded through its Node entry. */
export const calc = await import(pathToFileURL(path.join(pkgDir, 'node.js')).href);

/** The trust module (`akscert/trust`): the calculator plus signature checks. */
export const trust = await import(pathToFileURL(path.join(pkgDir, 'trust', 'node.js')).href);

/** The full module (`akscert/full`): the calculator plus the simulator. */
export const full = await import(pathToFileURL(path.join(pkgDir, 'full', 'node.js')).href);

/** The modules by build name. */
export const modules = { calculator: calc, trust, full };

/** The operations only the full module answers (the simulator). */
export const SIMULATOR_OPS = new Set(['simulate', 'simulateCluster', 'openScenario', 'simulateOpenCluster', 'foldCluster']);

/** The operations only the trust module answers (signature checks). */
export const SIGNATURE_OPS = new Set(['inspectSet', 'checkTrust']);

/** The operations that read `az aks` JSON as facts: in the trust and full modules
 * (tool output), not the calculator's. */
export const TOOL_OUTPUT_OPS = new Set(['aksFacts', 'fleetReport']);

/** The input kinds only the trust and full modules read: kubeconfigs, other tools' output
 * and `az` JSON (the calculator module reads certificates only). */
export const TOOL_OUTPUT_KINDS = new Set(['kubeconfig', 'opensslText', 'opensslDates', 'curl', 'azRunCommand', 'kubectlCsr',
  'kubectlNodes', 'kubeadmCheckExpiration', 'aksCluster', 'armOperation']);

/** The operations the calculator module leaves out. */
export const NOT_IN_CALCULATOR = new Set([...SIMULATOR_OPS, ...SIGNATURE_OPS, ...TOOL_OUTPUT_OPS]);

/** The module that answers `op` for the package as a whole: the simulator is the full
 * module's, everything else the trust module's (the calculator plus signature checks). */
export function buildFor(op) {
  return SIMULATOR_OPS.has(op) ? 'full' : 'trust';
}

/** Every operation of the package, in ABI number order. */
const ALL_OPS = [...new Set([...trust.operations(), ...full.operations()])]
  .sort((a, b) => full.operationNumber(a) - full.operationNumber(b));

/**
 * The package as a whole, as a user who imports the module each operation needs sees it:
 * `call(op, …)` and the typed functions go to the module that answers them
 * ([`buildFor`]); `operations()` lists every operation of the package.
 */
export const api = new Proxy({}, {
  get(_, name) {
    if (name === 'call') return (op, input) => modules[buildFor(op)].call(op, input);
    if (name === 'operations') return () => [...ALL_OPS];
    return (name in trust ? trust : full)[name];
  },
});

/**
 * The cases the Rust test wrote: { name, op, input, objectSafe, expected: {ok}|{error} }.
 * Every answer is the native core's, byte for byte, except `version`'s: that one describes
 * its build, and the native build has every operation, so the expected answer of a
 * `version` case is the native one as the module that answers it ([`buildFor`]) says it.
 */
export function loadCases() {
  const file = process.env.AKSCERT_CASES;
  if (!file) throw new Error('AKSCERT_CASES must name the cases file');
  const cases = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const c of cases) {
    if (c.op !== 'version' || c.expected.ok === undefined) continue;
    const native = JSON.parse(c.expected.ok);
    const m = modules[buildFor('version')];
    c.expected.ok = JSON.stringify({ ...native, build: m.build(), operations: native.operations.filter((op) => m.operations().includes(op)) });
  }
  return cases;
}

/** The error kinds the core may throw (ApiError::kind()). */
export const KINDS = new Set(
  ['unknownOperation', 'inputTooLarge', 'badInput', 'invalidScenario', 'invalidClusterFacts',
   'invalidPolicy', 'invalidRequest', 'unreadableInput', 'unavailableOperation']);

/**
 * 'typed' for an error the API promises (an Error named by a core kind), 'bug' for
 * anything else: a wasm trap (a Rust panic is an `unreachable` trap under panic=abort),
 * a TypeError from the glue, a thrown non-Error.
 */
export function classify(e) {
  if (e instanceof WebAssembly.RuntimeError) return 'bug';
  if (e instanceof Error && typeof e.kind === 'string' && e.name === e.kind && e.message.length > 0) {
    return 'typed';
  }
  return 'bug';
}

/** The typed function for an `api::call` operation. */
export function fnFor(op) {
  return {
    version: () => api.version(),
    policy: (x) => (x === undefined ? api.policyDefaults() : api.policy(x)),
    simulate: (x) => api.simulate(x),
    simulateCluster: (x) => api.simulateCluster(x),
    openScenario: (x) => api.openScenario(x),
    simulateOpenCluster: (x) => api.simulateOpenCluster(x),
    report: (x) => api.expiryReport(x),
    whatIf: (x) => api.whatIf(x),
    inspect: (x) => api.inspect(x),
    inspectSet: (x) => api.inspectSet(x),
    checkTrust: (x) => api.checkTrust(x),
    aksFacts: (x) => api.aksFacts(x),
    inspectBundle: (x) => api.inspectBundle(x),
    fleetReport: (x) => api.fleetReport(x),
    // No typed function: it takes the host ABI's packed input only, so JS has call().
    foldCluster: (x) => api.call('foldCluster', typeof x === 'string' ? x : JSON.stringify(x)),
  }[op];
}

/** Throws unless `value` is plain JSON data: no undefined, no Map, no BigInt, no class. */
export function assertPlainJson(value, where = '$') {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${where}: non-finite number`);
    return;
  }
  if (value === undefined) throw new Error(`${where}: undefined`);
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertPlainJson(v, `${where}[${i}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) assertPlainJson(v, `${where}.${k}`);
    return;
  }
  throw new Error(`${where}: not plain JSON data (${Object.prototype.toString.call(value)})`);
}

/** A module's raw bytes, as shipped: `which` is 'calculator', 'trust' or 'full'. */
export function moduleBytes(which = 'full') {
  const file = {
    calculator: 'akscert_bg.wasm',
    trust: path.join('trust', 'akscert_trust_bg.wasm'),
    full: path.join('full', 'akscert_full_bg.wasm'),
  }[which];
  if (!file) throw new Error(`no module ${which}`);
  return fs.readFileSync(path.join(pkgDir, file));
}

/**
 * Instantiate the shipped module the way a non-JS host does: every import defined as a
 * trap that also counts its calls. Returns { exports, importCalls() }.
 */
export function instantiateRaw(which = 'full') {
  const module = new WebAssembly.Module(moduleBytes(which));
  let calls = 0;
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') throw new Error(`unexpected ${imp.kind} import ${imp.name}`);
    (imports[imp.module] ??= {})[imp.name] = () => {
      calls += 1;
      throw new Error(`JS import ${imp.name} called through the C ABI`);
    };
  }
  const instance = new WebAssembly.Instance(module, imports);
  return { exports: instance.exports, importCalls: () => calls };
}

/** One ABI call: op index, input bytes → { status, json }; frees both buffers. */
export function abiCall(exports, op, bytes) {
  const { status, answer } = abiCallBytes(exports, op, bytes);
  return { status, json: new TextDecoder('utf-8', { fatal: true }).decode(answer) };
}

/** `abiCall`, with the answer as bytes (a packed answer is postcard, not text). */
export function abiCallBytes(exports, op, bytes) {
  const ptr = bytes.length ? exports.akscert_alloc(bytes.length) : 0;
  if (bytes.length && ptr === 0) throw new Error('akscert_alloc returned 0');
  if (bytes.length) new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
  const packed = BigInt.asUintN(64, exports.akscert_call(op, ptr, bytes.length));
  if (bytes.length) exports.akscert_free(ptr, bytes.length);
  const outPtr = Number(packed >> 32n);
  const outLen = Number(packed & 0xffffffffn);
  if (outLen === 0) throw new Error('akscert_call could not allocate its output');
  const out = new Uint8Array(exports.memory.buffer, outPtr, outLen).slice();
  exports.akscert_free(outPtr, outLen);
  return { status: out[0], answer: out.subarray(1) };
}

/** Asserts two JSON texts are identical; on a mismatch shows where, not both documents. */
export function assertSameText(actual, expected, what) {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  const from = Math.max(0, i - 80);
  throw new Error(`${what}: texts differ at byte ${i} (lengths ${actual.length} vs ${expected.length})\n` +
    `  got:      …${actual.slice(from, i + 80)}\n  expected: …${expected.slice(from, i + 80)}`);
}
