// Benchmark: the akscert npm package against its peers in Node, and against the core
// natively.
//
//   cargo xtask build-wasm && npm ci
//   node benches/node/x509-peer.mjs [--pem FILE] [--seconds N] [--no-native]
//
// 1. Cold init: a fresh Node process importing the package (compile + instantiate the
//    module), @peculiar/x509, and node:crypto.
// 2. X.509: the same PEM bundle (default: the system CA store) parsed by node:crypto
//    X509Certificate, by @peculiar/x509, and by the package's inspection (when the
//    module has it): notBefore, notAfter, subject CN, issuer CN, isCA, SHA-256 of each
//    certificate. certs/s for each and the ratios.
// 3. The engine: simulate (the bundled example) and expiryReport calls/s through the JS
//    object API, the JSON-text face and the raw C ABI (in V8), and natively (the `native_rate` example, built in
//    release) — the cost of the WebAssembly boundary and of wasm itself.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const seconds = Number(opt('--seconds', '2'));
const pemFile = opt('--pem', '/etc/ssl/certs/ca-certificates.crt');
const pkgEntry = path.join(root, 'target/npm/node.js');
if (!fs.existsSync(pkgEntry)) {
  console.error('the package is not built: run `cargo xtask build-wasm` first');
  process.exit(2);
}

/** Calls of `fn` per second over `seconds` (after a short warm-up). */
function rate(fn) {
  const warm = performance.now();
  while (performance.now() - warm < 200) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < seconds * 1000) {
    fn();
    calls += 1;
    now = performance.now();
  }
  return calls / ((now - start) / 1000);
}

async function rateAsync(fn) {
  const warm = performance.now();
  while (performance.now() - warm < 200) await fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < seconds * 1000) {
    await fn();
    calls += 1;
    now = performance.now();
  }
  return calls / ((now - start) / 1000);
}

/** Median ms of importing `specifier` in a fresh Node process. */
function coldImport(specifiers, runs = 5) {
  const imports = [].concat(specifiers).map((s) => `await import(${JSON.stringify(s)});`).join(' ');
  const script = `const t = performance.now(); ${imports} console.log(performance.now() - t);`;
  const times = [];
  for (let i = 0; i < runs; i++) {
    times.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

/** Calls/s of `op` on `text` natively (the native_rate example, release), or null. */
function nativeRate(op, text) {
  if (args.includes('--no-native')) return null;
  const dir = fs.mkdtempSync(path.join(root, 'target', 'bench-'));
  const file = path.join(dir, `${op}.json`);
  fs.writeFileSync(file, text);
  try {
    const out = execFileSync('cargo', ['run', '-q', '--release', '-p', 'akscert-wasm', '--example', 'native_rate', '--', op, file, String(seconds)],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    return JSON.parse(out).callsPerSecond;
  } catch (e) {
    console.log(`  (native ${op} skipped: ${e.message.split('\n')[0]})`);
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const cn = (dn) => (/(?:^|\n|,\s*)CN=([^\n,]*)/.exec(dn) || [])[1] ?? null;

console.log(`Node ${process.version}, ${seconds} s per measurement\n`);

// 1. Cold init.
let peculiar = null;
try {
  await import('reflect-metadata'); // @peculiar/x509 (tsyringe) needs the Reflect polyfill
  peculiar = await import('@peculiar/x509');
} catch (e) {
  console.log(`(@peculiar/x509 cannot be loaded: ${e.message}; run \`npm ci\`; its columns are skipped)\n`);
}
console.log('cold init (fresh process, median of 5):');
console.log(`  akscert (compile + instantiate ${fs.statSync(path.join(root, 'target/npm/akscert_bg.wasm')).size} bytes): ${coldImport(pathToFileURL(pkgEntry).href).toFixed(1)} ms`);
if (peculiar) console.log(`  @peculiar/x509 (with reflect-metadata): ${coldImport(['reflect-metadata', '@peculiar/x509']).toFixed(1)} ms`);
console.log(`  node:crypto: ${coldImport('node:crypto').toFixed(1)} ms\n`);

const api = await import(pathToFileURL(pkgEntry).href);

// 2. X.509 over one PEM bundle.
const bundle = fs.readFileSync(pemFile, 'utf8');
const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || [];
console.log(`X.509: ${blocks.length} certificates from ${pemFile}`);
const viaNode = () => blocks.map((pem) => {
  const x = new X509Certificate(pem);
  return { notBefore: new Date(x.validFrom), notAfter: new Date(x.validTo), subject: cn(x.subject), issuer: cn(x.issuer),
    isCA: x.ca, sha256: x.fingerprint256 };
});
const nodeRate = rate(viaNode) * blocks.length;
console.log(`  node:crypto X509Certificate: ${fmt(nodeRate)} certs/s`);
let peculiarRate = null;
if (peculiar) {
  const viaPeculiar = async () => {
    const out = [];
    for (const pem of blocks) {
      const x = new peculiar.X509Certificate(pem);
      const bc = x.getExtension(peculiar.BasicConstraintsExtension);
      const sha = createHash('sha256').update(Buffer.from(x.rawData)).digest('hex');
      out.push({ notBefore: x.notBefore, notAfter: x.notAfter, subject: x.subjectName.getField('CN')[0] ?? null,
        issuer: x.issuerName.getField('CN')[0] ?? null, isCA: bc ? bc.ca : false, sha256: sha });
    }
    return out;
  };
  peculiarRate = (await rateAsync(viaPeculiar)) * blocks.length;
  console.log(`  @peculiar/x509: ${fmt(peculiarRate)} certs/s`);
}
if (api.operations().includes('inspect')) {
  // One call inspects the whole bundle: every certificate's facts, its AKS role, the
  // SHA-256 fingerprint, and signature checks (self-signed, issued-by) — more work per
  // certificate than the peers' field extraction.
  const input = JSON.stringify({ input: bundle, now: '2026-11-28T00:00:00Z' });
  const viaAkscert = () => {
    const ins = JSON.parse(api.call('inspect', input));
    return ins.certificates.map((c) => ({ notBefore: c.notBefore, notAfter: c.notAfter, subject: c.subject.cn,
      issuer: c.issuer.cn, isCA: c.isCa, sha256: c.sha256Fingerprint }));
  };
  const check = viaAkscert();
  if (check.length !== blocks.length) console.log(`  (akscert read ${check.length} of ${blocks.length} certificates)`);
  const akscertRate = rate(viaAkscert) * blocks.length;
  console.log(`  akscert inspect (whole bundle per call, in wasm): ${fmt(akscertRate)} certs/s`);
  const nativeInspect = nativeRate('inspect', input);
  if (nativeInspect) {
    console.log(`  akscert inspect natively (same call, Rust release build): ${fmt(nativeInspect * blocks.length)} certs/s; wasm / native = ${(akscertRate / (nativeInspect * blocks.length)).toFixed(2)}`);
  }
  console.log(`  ratios: akscert / node:crypto = ${(akscertRate / nodeRate).toFixed(2)}` +
    (peculiarRate ? `, akscert / @peculiar/x509 = ${(akscertRate / peculiarRate).toFixed(2)}` : ''));
} else {
  console.log('  akscert: this module has no `inspect` operation yet (core::inspect not merged): skipped');
  if (peculiarRate) console.log(`  ratio: @peculiar/x509 / node:crypto = ${(peculiarRate / nodeRate).toFixed(2)}`);
}
console.log();

// 3. The engine through the package vs natively.
const example = fs.readFileSync(path.join(root, 'examples/scenario.json'), 'utf8');
const reportReq = JSON.stringify({
  now: '2024-10-01T00:00:00Z',
  cluster: { name: 'prod-weu', resourceGroup: 'rg-prod', created: '2021-03-01T10:00:00Z', kubernetesVersion: '1.22.6',
    lastUpgrade: '2022-05-10T02:00:00Z', nodePools: [{ name: 'system', mode: 'System', count: 3 }, { name: 'batch', count: 0 }],
    kubeconfigs: [{ holder: 'alice' }] },
});
const inputs = { simulate: example, report: reportReq };
// The C-style ABI (what wasmtime drives), here in V8 with every JS import a trap.
const rawModule = new WebAssembly.Module(fs.readFileSync(path.join(root, 'target/npm/akscert_bg.wasm')));
const rawImports = {};
for (const i of WebAssembly.Module.imports(rawModule)) (rawImports[i.module] ??= {})[i.name] = () => { throw new Error(i.name); };
const raw = new WebAssembly.Instance(rawModule, rawImports).exports;
const enc = new TextEncoder();
const dec = new TextDecoder();
const opIndex = Object.fromEntries(api.operations().map((name, i) => [name, i + 1]));
function abiCall(op, bytes) {
  const ptr = raw.akscert_alloc(bytes.length);
  new Uint8Array(raw.memory.buffer, ptr, bytes.length).set(bytes);
  const packed = BigInt.asUintN(64, raw.akscert_call(opIndex[op], ptr, bytes.length));
  raw.akscert_free(ptr, bytes.length);
  const outPtr = Number(packed >> 32n), outLen = Number(packed & 0xffffffffn);
  const text = dec.decode(new Uint8Array(raw.memory.buffer, outPtr + 1, outLen - 1));
  raw.akscert_free(outPtr, outLen);
  return text;
}
console.log('engine (calls/s):');
for (const [op, text] of Object.entries(inputs)) {
  const obj = JSON.parse(text);
  const fn = op === 'simulate' ? api.simulate : api.expiryReport;
  const objRate = rate(() => fn(obj));
  const textRate = rate(() => api.call(op, text));
  const bytes = enc.encode(text);
  const abiRate = rate(() => abiCall(op, bytes));
  const native = nativeRate(op, text);
  console.log(`  ${op}: JS objects ${fmt(objRate)}, JSON text ${fmt(textRate)}, C ABI ${fmt(abiRate)}` +
    (native ? `, native ${fmt(native)}; wasm(JSON text) / native = ${(textRate / native).toFixed(2)}, objects / text = ${(objRate / textRate).toFixed(2)}` : ''));
}
