// Benchmark: the akscert npm package against its peers in Node, and against the core
// natively. Every figure is printed beside its peer's, measured in the same run.
//
//   cargo xtask build-wasm && npm ci
//   node benches/node/x509-peer.mjs [--pem FILE] [--seconds N] [--no-native]
//
// 1. Cold start: a fresh Node process imports the calculator module (`akscert`), instantiates
//    it and inspects one certificate; node:crypto and @peculiar/x509 do the same. Then the
//    calculator's cold start phase by phase, with V8's lazy compilation and without.
// 2. The X.509 fields job, one call per bundle: PEM → notBefore, notAfter, subject CN,
//    issuer CN, isCA, SHA-256 for every certificate, on the system CA bundle and on the
//    Kubernetes PKI of ../shared/corpus/k8s-pki (when present). Each face's rows are first
//    compared with node:crypto's, value for value; then certs/s and the ratio to
//    node:crypto for: inspectBundle (columns as JS arrays), inspectBundle as JSON text +
//    JSON.parse, the whole inspect document as JSON text, and @peculiar/x509.
// 3. The engine: simulate (the bundled example) and expiryReport calls/s through the full
//    module's JS object API, its JSON-text face and the raw C ABI (in V8), and natively
//    (the `native_rate` example, built in release) — the cost of the boundary and of wasm.
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

/** Calls/s of `op` on `text` natively (the native_rate example, release), or null. */
function nativeRate(op, text) {
  if (args.includes('--no-native')) return null;
  const dir = fs.mkdtempSync(path.join(root, 'target', 'bench-'));
  const file = path.join(dir, `${op}.json`);
  fs.writeFileSync(file, text);
  try {
    const out = execFileSync('cargo', ['run', '-q', '--release', '-p', 'akscert-wasm', '--features', 'full', '--example', 'native_rate', '--', op, file, String(seconds)],
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
console.log(`Node ${process.version}, ${seconds} s per measurement\n`);

// 1. Cold start: a fresh Node process imports the package (compile + instantiate the
//    calculator module) and inspects one certificate; the peers parse the same one.
let peculiar = null;
try {
  await import('reflect-metadata'); // @peculiar/x509 (tsyringe) needs the Reflect polyfill
  peculiar = await import('@peculiar/x509');
} catch (e) {
  console.log(`(@peculiar/x509 cannot be loaded: ${e.message}; run \`npm ci\`; its columns are skipped)\n`);
}
const onePem = (fs.readFileSync(pemFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/) || [''])[0];
/**
 * Run `script` (an ES module that prints a JSON array of numbers) in `runs` fresh Node
 * processes started with `flags`; the median of each number.
 */
function freshMedians(script, flags = [], runs = 7, asFile = false) {
  // As a program's own entry file (`node app.mjs`), or as `node -e` text. Node sets up its
  // ESM file loader lazily: an `-e` program pays that (~3.5 ms here) at its first import
  // of a file, which a built-in module (node:crypto) never needs, while a program started
  // from a file has paid it before its first line runs. Both are printed.
  let file = null;
  if (asFile) {
    file = path.join(fs.mkdtempSync(path.join(root, 'target', 'bench-')), 'cold.mjs');
    fs.writeFileSync(file, script);
  }
  const argv = file ? [...flags, file] : [...flags, '--input-type=module', '-e', script];
  const outs = [];
  try {
    for (let i = 0; i < runs; i++) {
      outs.push(JSON.parse(execFileSync(process.execPath, argv, { cwd: root, encoding: 'utf8' })));
    }
  } finally {
    if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  return outs[0].map((_, k) => {
    const v = outs.map((r) => r[k]).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)];
  });
}
/**
 * Median ms, in a fresh process, of `setup` (imports) plus one `first` result: as `node -e`
 * text and as a program's entry file (see `freshMedians`).
 */
function coldFirst(setup, first) {
  const script = `const t = performance.now(); ${setup}; const pem = ${JSON.stringify(onePem)}; const r = ${first};
    if (!r) throw new Error('no result'); console.log(JSON.stringify([performance.now() - t]));`;
  return { eval: freshMedians(script)[0], file: freshMedians(script, [], 7, true)[0] };
}
const calcUrl = pathToFileURL(pkgEntry).href;
const calcBytes = fs.statSync(path.join(root, 'target/npm/akscert_bg.wasm')).size;
const coldAkscert = coldFirst(`const m = await import(${JSON.stringify(calcUrl)})`,
  `m.inspectBundle({ input: pem, now: '2026-11-28T00:00:00Z' }).notAfter[0]`);
const coldNode = coldFirst(`const { X509Certificate } = await import('node:crypto')`, 'new X509Certificate(pem).validTo');
const both = (c) => `${c.eval.toFixed(1)} ms | ${c.file.toFixed(1)} ms`;
console.log('cold start: fresh process, import + init + first result for one certificate (median of 7),');
console.log('  the program given as `node -e` text | as its entry file:');
console.log(`  akscert calculator module (${calcBytes} bytes): ${both(coldAkscert)}`);
if (peculiar) {
  const coldPeculiar = coldFirst(`await import('reflect-metadata'); const x = await import('@peculiar/x509')`, 'new x.X509Certificate(pem).notAfter');
  console.log(`  @peculiar/x509 (with reflect-metadata): ${both(coldPeculiar)}`);
}
console.log(`  node:crypto X509Certificate: ${both(coldNode)}`);
console.log(`  akscert / node:crypto = ${(coldAkscert.eval / coldNode.eval).toFixed(2)} | ${(coldAkscert.file / coldNode.file).toFixed(2)}\n`);

// Where the calculator's cold start goes, phase by phase in fresh processes started from
// an entry file (median of 7 per phase): importing the glue, reading the module, V8 compiling it (validation; code is
// compiled lazily, function by function, when first called), instantiating it, the first
// inspection and a second one. Then the same with V8 compiling every function up front
// (`--no-wasm-lazy-compilation`, a diagnostic only: the package sets no V8 flags), which
// shows how much of the first call is compiling the code it reaches.
function coldPhases(flags) {
  const glueUrl = pathToFileURL(path.join(root, 'target/npm/akscert.js')).href;
  const wasmPath = path.join(root, 'target/npm/akscert_bg.wasm');
  const script = `import { readFileSync } from 'node:fs';
    const pem = ${JSON.stringify(onePem)}; const req = { input: pem, now: '2026-11-28T00:00:00Z' };
    const t0 = performance.now(); const glue = await import(${JSON.stringify(glueUrl)});
    const t1 = performance.now(); const bytes = readFileSync(${JSON.stringify(wasmPath)});
    const t2 = performance.now(); const module = new WebAssembly.Module(bytes);
    const t3 = performance.now(); glue.initSync({ module });
    const t4 = performance.now(); if (!glue.inspectBundle(req).notAfter[0]) throw new Error('no result');
    const t5 = performance.now(); glue.inspectBundle(req);
    const t6 = performance.now();
    console.log(JSON.stringify([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5]));`;
  return freshMedians(script, flags, 7, true);
}
const phaseNames = ['import glue', 'read module', 'compile', 'instantiate', 'first inspectBundle', 'second'];
const lazy = coldPhases([]);
const eager = coldPhases(['--no-wasm-lazy-compilation']);
console.log('cold start by phase, ms (median of 7 fresh processes each): V8 default (lazy) | every function compiled up front');
phaseNames.forEach((n, k) => console.log(`  ${n.padEnd(20)} ${lazy[k].toFixed(2).padStart(7)} | ${eager[k].toFixed(2).padStart(7)}`));
console.log(`  → the first call's own work is about ${eager[4].toFixed(1)} ms; the rest of its ${lazy[4].toFixed(1)} ms is V8 compiling the functions it reaches\n`);


const api = await import(pathToFileURL(pkgEntry).href);

// 2. X.509, the fields job: PEM bundle → notBefore, notAfter, subject CN, issuer CN, isCA,
//    SHA-256 for every certificate, one call per bundle, on two corpora. Every face's rows
//    are compared with node:crypto's, value for value, before anything is timed.
function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
function pemBlocks(text) {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || [];
}
/** The blocks node:crypto reads (the job's reference), so every library gets the same input. */
function readable(blocks) {
  return blocks.filter((b) => { try { new X509Certificate(b); return true; } catch { return false; } });
}
const corpora = [{ name: `system CA bundle (${pemFile})`, blocks: readable(pemBlocks(fs.readFileSync(pemFile, 'utf8'))) }];
const corpusDir = process.env.AKSCERT_CORPUS || path.join(root, '..', 'shared', 'corpus');
if (fs.existsSync(path.join(corpusDir, 'k8s-pki'))) {
  // Every certificate of the Kubernetes PKI corpus: PEM files and the ones inside kubeconfigs.
  const blocks = [];
  for (const f of walk(path.join(corpusDir, 'k8s-pki'))) {
    const text = fs.readFileSync(f, 'latin1');
    blocks.push(...pemBlocks(text));
    for (const m of text.matchAll(/(?:certificate-authority-data|client-certificate-data):\s*([A-Za-z0-9+/=]{100,})/g)) {
      blocks.push(...pemBlocks(Buffer.from(m[1], 'base64').toString('latin1')));
    }
  }
  corpora.push({ name: 'Kubernetes PKI (../shared/corpus/k8s-pki)', blocks: readable(blocks) });
} else {
  console.log(`(no corpus at ${corpusDir}: the Kubernetes PKI bundle is skipped)`);
}

const iso = (d) => new Date(d).toISOString().replace(/\.000Z$/, 'Z');
const hexColons = (h) => h.toUpperCase();
// node:crypto prints names with `\"`-style escapes; the job compares the values.
const cn = (dn) => {
  const v = (/(?:^|\n|,\s*)CN=([^\n,]*)/.exec(dn) || [])[1];
  return v === undefined ? null : v.replace(/\\(.)/g, '$1');
};
const NOW = '2026-11-28T00:00:00Z';

function nodeRows(blocks) {
  return blocks.map((pem) => {
    const x = new X509Certificate(pem);
    return { notBefore: iso(x.validFrom), notAfter: iso(x.validTo), subject: cn(x.subject), issuer: cn(x.issuer),
      isCA: x.ca, sha256: hexColons(x.fingerprint256) };
  });
}
function peculiarRows(blocks) {
  return blocks.map((pem) => {
    const x = new peculiar.X509Certificate(pem);
    const bc = x.getExtension(peculiar.BasicConstraintsExtension);
    const sha = createHash('sha256').update(Buffer.from(x.rawData)).digest('hex').toUpperCase().match(/../g).join(':');
    return { notBefore: iso(x.notBefore), notAfter: iso(x.notAfter), subject: x.subjectName.getField('CN')[0] ?? null,
      issuer: x.issuerName.getField('CN')[0] ?? null, isCA: bc ? bc.ca : false, sha256: sha };
  });
}
/** The batch face: one call, compact columns (JSON text + JSON.parse inside the glue). */
function akscertBundleRows(bundle) {
  const c = api.inspectBundle({ input: bundle, now: NOW });
  const rows = new Array(c.count);
  for (let i = 0; i < c.count; i++) {
    rows[i] = { notBefore: c.notBefore[i], notAfter: c.notAfter[i], subject: c.subjectCn[i], issuer: c.issuerCn[i],
      isCA: c.isCa[i] === 1, sha256: c.sha256[i] };
  }
  return rows;
}
/** The batch face's JSON text through `call` and JSON.parse (the alternative measured). */
function akscertBundleJsonRows(bundle) {
  const c = JSON.parse(api.call('inspectBundle', JSON.stringify({ input: bundle, now: NOW })));
  return c.notBefore.map((nb, i) => ({ notBefore: nb, notAfter: c.notAfter[i], subject: c.subjectCn[i],
    issuer: c.issuerCn[i], isCA: c.isCa[i] === 1, sha256: c.sha256[i] }));
}
/** Today's face: the whole inspection document as JSON text, JSON.parse, then the fields. */
function akscertInspectRows(bundle) {
  const ins = JSON.parse(api.call('inspect', JSON.stringify({ input: bundle, now: NOW })));
  return ins.certificates.map((c) => ({ notBefore: c.notBefore, notAfter: c.notAfter, subject: c.subject.cn,
    issuer: c.issuer.cn, isCA: c.isCa, sha256: c.sha256Fingerprint }));
}
/** Row-for-row comparison with node:crypto; returns the number of differing rows. */
function compare(name, rows, expected) {
  let bad = 0;
  if (rows.length !== expected.length) {
    console.log(`  !! ${name}: ${rows.length} rows, node:crypto ${expected.length}`);
    return Math.max(rows.length, expected.length);
  }
  rows.forEach((r, i) => {
    for (const k of Object.keys(expected[i])) {
      if (r[k] !== expected[i][k]) {
        if (bad < 3) console.log(`  !! ${name} row ${i} ${k}: ${JSON.stringify(r[k])} vs node:crypto ${JSON.stringify(expected[i][k])}`);
        bad += 1;
        break;
      }
    }
  });
  return bad;
}

const x509Summary = [];
for (const corpus of corpora) {
  const { blocks } = corpus;
  const bundle = blocks.join('\n');
  console.log(`X.509 fields job: ${blocks.length} certificates, ${corpus.name}`);
  const expected = nodeRows(blocks);
  const faces = [
    ['akscert inspectBundle (one call)', () => akscertBundleRows(bundle)],
    ['akscert call(\'inspectBundle\') + JSON.parse by hand', () => akscertBundleJsonRows(bundle)],
    ['akscert inspect (whole document, JSON text)', () => akscertInspectRows(bundle)],
  ];
  if (peculiar) faces.push(['@peculiar/x509', () => peculiarRows(blocks)]);
  let mismatches = 0;
  for (const [name, fn] of faces) mismatches += compare(name, fn(), expected);
  console.log(`  row-for-row comparison with node:crypto: ${mismatches === 0 ? 'identical' : `${mismatches} rows differ`}`);
  const nodeRate = rate(() => nodeRows(blocks)) * blocks.length;
  console.log(`  node:crypto X509Certificate: ${fmt(nodeRate)} certs/s`);
  for (const [name, fn] of faces) {
    const r = rate(fn) * blocks.length;
    console.log(`  ${name}: ${fmt(r)} certs/s = ${(r / nodeRate).toFixed(2)}x node:crypto`);
    x509Summary.push({ corpus: corpus.name, face: name, certsPerSecond: r, nodeCertsPerSecond: nodeRate });
  }
  const input = JSON.stringify({ input: bundle, now: NOW });
  const nativeInspect = nativeRate('inspectBundle', input);
  if (nativeInspect) console.log(`  akscert inspectBundle natively (Rust release, same call): ${fmt(nativeInspect * blocks.length)} certs/s`);
  console.log();
}

// 3. The engine through the package (its full module, akscert/full) vs natively.
const full = await import(pathToFileURL(path.join(root, 'target/npm/full/node.js')).href);
const example = fs.readFileSync(path.join(root, 'examples/scenario.json'), 'utf8');
const reportReq = JSON.stringify({
  now: '2024-10-01T00:00:00Z',
  cluster: { name: 'prod-weu', resourceGroup: 'rg-prod', created: '2021-03-01T10:00:00Z', kubernetesVersion: '1.22.6',
    lastUpgrade: '2022-05-10T02:00:00Z', nodePools: [{ name: 'system', mode: 'System', count: 3 }, { name: 'batch', count: 0 }],
    kubeconfigs: [{ holder: 'alice' }] },
});
const inputs = { simulate: example, report: reportReq };
// The C-style ABI (what wasmtime drives), here in V8 with every JS import a trap.
const rawModule = new WebAssembly.Module(fs.readFileSync(path.join(root, 'target/npm/full/akscert_full_bg.wasm')));
const rawImports = {};
for (const i of WebAssembly.Module.imports(rawModule)) (rawImports[i.module] ??= {})[i.name] = () => { throw new Error(i.name); };
const raw = new WebAssembly.Instance(rawModule, rawImports).exports;
const enc = new TextEncoder();
const dec = new TextDecoder();
const opIndex = Object.fromEntries(full.operations().map((name) => [name, full.operationNumber(name)]));
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
  const fn = op === 'simulate' ? full.simulate : full.expiryReport;
  const objRate = rate(() => fn(obj));
  const textRate = rate(() => full.call(op, text));
  const bytes = enc.encode(text);
  const abiRate = rate(() => abiCall(op, bytes));
  const native = nativeRate(op, text);
  console.log(`  ${op}: JS objects ${fmt(objRate)}, JSON text ${fmt(textRate)}, C ABI ${fmt(abiRate)}` +
    (native ? `, native ${fmt(native)}; wasm(JSON text) / native = ${(textRate / native).toFixed(2)}, objects / text = ${(objRate / textRate).toFixed(2)}` : ''));
}
