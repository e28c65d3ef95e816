// The batch face's boundary format, measured: the same `inspectBundle` answer crossing the
// WebAssembly boundary as (a) JSON text parsed with JSON.parse, (b) JS values built by
// serde-wasm-bindgen, (c) columns built as JS arrays value by value; (a) measured fastest
// and ships as `inspectBundle`. One call per
// bundle, on the system CA bundle and the Kubernetes PKI corpus.
//
//   cargo build -p akscert-wasm --target wasm32-unknown-unknown --profile wasm-release --features boundary-bench
//   wasm-bindgen --target web --out-name bb --out-dir /tmp/bb target/wasm32-unknown-unknown/wasm-release/akscert_wasm.wasm
//   node benches/node/boundary.mjs /tmp/bb [SECONDS]
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const dir = path.resolve(process.argv[2] || '/tmp/bb');
const seconds = Number(process.argv[3] || '2');
const m = await import(pathToFileURL(path.join(dir, 'bb.js')).href);
m.initSync({ module: fs.readFileSync(path.join(dir, 'bb_bg.wasm')) });
if (typeof m.inspectBundleSerde !== 'function') {
  console.error('this module was built without --features boundary-bench');
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const blocks = (t) => t.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || [];
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
const bundles = [['system CA bundle', blocks(fs.readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8'))]];
const k8s = path.join(process.env.AKSCERT_CORPUS || path.join(root, '..', 'shared', 'corpus'), 'k8s-pki');
if (fs.existsSync(k8s)) bundles.push(['k8s PKI corpus', walk(k8s).flatMap((f) => blocks(fs.readFileSync(f, 'latin1')))]);

function rate(fn) {
  const warm = performance.now();
  while (performance.now() - warm < 300) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < seconds * 1000) { fn(); calls += 1; now = performance.now(); }
  return calls / ((now - start) / 1000);
}
const NOW = '2026-11-28T00:00:00Z';
for (const [name, certs] of bundles) {
  const input = certs.join('\n');
  const json = JSON.stringify({ input, now: NOW });
  // Every face reads all six job fields of every row, so the cost of reaching them counts.
  const touch = (c) => {
    let n = 0;
    for (let i = 0; i < c.count; i++) {
      n += c.notBefore[i].length + c.notAfter[i].length + (c.subjectCn[i] || '').length
        + (c.issuerCn[i] || '').length + c.isCa[i] + c.sha256[i].length;
    }
    return n;
  };
  const faces = {
    'JSON text + JSON.parse': () => touch(JSON.parse(m.call('inspectBundle', json))),
    'serde-wasm-bindgen': () => touch(m.inspectBundleSerde({ input, now: NOW })),
    'direct columns': () => touch(m.inspectBundleColumns({ input, now: NOW })),
    'inspectBundle as shipped (JSON text)': () => touch(m.inspectBundle({ input, now: NOW })),
  };
  const check = new Set(Object.values(faces).map((f) => f()));
  console.log(`${name}, ${certs.length} certificates${check.size === 1 ? '' : ' (!! the faces disagree)'}:`);
  for (const [face, fn] of Object.entries(faces)) console.log(`  ${face}: ${Math.round(rate(fn) * certs.length).toLocaleString('en-US')} certs/s`);
}
