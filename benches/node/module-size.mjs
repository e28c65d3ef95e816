// Where the bytes of the shipped modules go: bytes per crate (twiggy), for the calculator,
// trust and full modules, beside the shipped files' sizes raw and gzip -9.
//
//   cargo xtask build-wasm && cargo install twiggy
//   node benches/node/module-size.mjs
//
// Each module is rebuilt with its Cargo features and run through wasm-bindgen keeping the
// name section (the shipped files drop it), so that twiggy can attribute functions to
// crates; data segments are counted as such. Prints a Markdown table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modules = [
  { name: 'calculator', profile: 'wasm-calculator', features: [], shipped: 'target/npm/akscert_bg.wasm' },
  { name: 'trust', profile: 'wasm-release', features: ['--features', 'trust'], shipped: 'target/npm/trust/akscert_trust_bg.wasm' },
  { name: 'full', profile: 'wasm-full', features: ['--features', 'full'], shipped: 'target/npm/full/akscert_full_bg.wasm' },
];
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] });

/** The crate a twiggy item belongs to (`<alloc::vec::Vec<T> as …>::f` → alloc). */
function crateOf(item) {
  if (item.startsWith('data segment') || item.startsWith('"')) return `(${item.replace(/"/g, '')})`;
  const m = /^<*&?(?:mut |dyn )?([A-Za-z_][A-Za-z0-9_]*)/.exec(item);
  return m ? m[1].replace(/\[[0-9a-f]+\]$/, '') : item.slice(0, 30);
}

const tables = {};
const totals = {};
for (const m of modules) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akscert-size-'));
  try {
    run('cargo', ['build', '-q', '-p', 'akscert-wasm', '--target', 'wasm32-unknown-unknown', '--profile', m.profile, ...m.features]);
    run('wasm-bindgen', ['--target', 'web', '--out-name', 'm', '--out-dir', dir,
      path.join(root, 'target/wasm32-unknown-unknown', m.profile, 'akscert_wasm.wasm')]);
    const csv = run('twiggy', ['top', '-n', '1000000', '--format', 'csv', path.join(dir, 'm_bg.wasm')]);
    const per = {};
    let total = 0;
    for (const line of csv.split('\n').slice(1)) {
      const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
      if (!cells || cells.length < 2 || !cells[0]) continue;
      const [item, bytes] = cells;
      if (/function names|custom section|producers/.test(item)) continue; // not shipped
      const n = Number(bytes);
      if (!Number.isFinite(n)) continue;
      per[crateOf(item)] = (per[crateOf(item)] || 0) + n;
      total += n;
    }
    tables[m.name] = per;
    const shipped = fs.readFileSync(path.join(root, m.shipped));
    totals[m.name] = { counted: total, raw: shipped.length, gzip: zlib.gzipSync(shipped, { level: 9 }).length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const names = modules.map((m) => m.name);
const crates = Object.keys(Object.assign({}, ...names.map((n) => tables[n])))
  .sort((a, b) => Math.max(...names.map((n) => tables[n][b] || 0)) - Math.max(...names.map((n) => tables[n][a] || 0)));
const cells = (t) => names.map((n) => t(n).toLocaleString('en-US')).join(' | ');
console.log(`| crate | ${names.map((n) => `${n} bytes`).join(' | ')} |`);
console.log(`|---|${names.map(() => '---:').join('|')}|`);
for (const c of crates.slice(0, 30)) console.log(`| ${c} | ${cells((n) => tables[n][c] || 0)} |`);
const rest = (n) => crates.slice(30).reduce((s, c) => s + (tables[n][c] || 0), 0);
console.log(`| (${crates.length - 30} more) | ${cells(rest)} |`);
for (const m of modules) {
  const t = totals[m.name];
  console.log(`\n${m.name}: ${t.raw.toLocaleString('en-US')} bytes shipped (${t.counted.toLocaleString('en-US')} counted by twiggy), ` +
    `${t.gzip.toLocaleString('en-US')} bytes gzip -9 = ${(t.gzip / 1024).toFixed(1)} KiB`);
}
