// The calculator page in a real headless Chromium (Debian's, driven by playwright-core):
// from file:// and from a static server on 127.0.0.1, fill the form → report; press the
// what-ifs → downtime, broken kubeconfigs, commands; a 10 MB paste keeps the page
// responsive and the input box intact; pasted `az aks list` output shows a fleet table
// (the engine's fleetReport) and fills the form through the engine's aksFacts; the
// request log holds only the page's own files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { webcrypto } from 'node:crypto';
import { chromium } from 'playwright-core';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

/**
 * A kubeconfig as `az aks get-credentials --admin` writes it: the cluster CA, an admin
 * client certificate (O=system:masters) signed by it, its private key and a token.
 */
async function makeKubeconfig() {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'CN=ca', notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2054-01-01T00:00:00Z'),
    keys: caKeys, signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const clientKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const client = await x509.X509CertificateGenerator.create({
    serialNumber: '02', subject: 'CN=masterclient, O=system:masters', issuer: ca.subject,
    notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2026-01-01T00:00:00Z'),
    signingKey: caKeys.privateKey, publicKey: clientKeys.publicKey, signingAlgorithm: alg,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', clientKeys.privateKey)).toString('base64');
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g).join('\n')}\n-----END PRIVATE KEY-----\n`;
  const b64 = (t) => Buffer.from(t).toString('base64');
  const keyData = b64(keyPem);
  const token = 'kubeconfig-token-' + 'z'.repeat(40);
  const yaml = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${b64(ca.toString('pem'))}
    server: https://myaks-dns-1a2b3c4d.hcp.westeurope.azmk8s.io:443
  name: myaks
contexts:
- context:
    cluster: myaks
    user: clusterAdmin_rg-prod_myaks
  name: myaks-admin
current-context: myaks-admin
users:
- name: clusterAdmin_rg-prod_myaks
  user:
    client-certificate-data: ${b64(client.toString('pem'))}
    client-key-data: ${keyData}
    token: ${token}
`;
  return { yaml, secrets: [keyData, pkcs8.slice(0, 40), token], bundle: ca.toString('pem') + '\n' + client.toString('pem') + '\n' };
}

const www = path.resolve(process.env.AKSCERT_WWW);
const pkg = path.resolve(process.env.AKSCERT_PKG);
const artifacts = path.resolve(process.env.AKSCERT_ARTIFACTS);
fs.mkdirSync(artifacts, { recursive: true });

let browser;
let server;
let origin;

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
  });
  server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    // /npm/… serves the npm package (its ESM entry in a browser), the rest the page.
    const [base, rel] = urlPath.startsWith('/npm/') ? [pkg, urlPath.slice(4)] : [www, urlPath];
    const file = path.join(base, rel);
    if (!file.startsWith(base) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' }[path.extname(file)] || 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page with a request log; anything outside `allowedPrefix` is blocked and logged. */
async function open(url, allowedPrefix) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  const errors = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(allowedPrefix) || u.startsWith('blob:') || u.startsWith('data:')) return route.continue();
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => window.akscertPage && window.akscertPage.ready, null, { timeout: 30000 });
  return { page, context, requests, errors };
}

async function fillFacts(page) {
  await page.fill('input[name=name]', 'prod');
  await page.fill('input[name=resourceGroup]', 'rg-prod');
  await page.fill('input[name=created]', '2021-03-01');
  await page.fill('input[name=kubernetesVersion]', '1.19.7');
  await page.fill('input[name=holders]', 'alice, ci-pipeline');
  await page.fill('input[name=now]', '2023-02-10');
}

function onlyOwnFiles(requests, prefix) {
  const foreign = requests.filter((u) => !(u.startsWith(prefix) || u.startsWith('blob:') || u.startsWith('data:')));
  assert.deepEqual(foreign, [], 'requests outside the page');
  const files = new Set(requests.filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length).split('?')[0]));
  for (const f of files) assert.ok(fs.existsSync(path.join(www, f)), `requested ${f}, which the page does not ship`);
  return files;
}

test('from file://: form → report, what-ifs → downtime and commands, 10 MB paste, own files only', async () => {
  const url = pathToFileURL(path.join(www, 'index.html')).href;
  const prefix = pathToFileURL(www).href + '/';
  const { page, context, requests, errors } = await open(url, prefix);
  try {
    assert.match(await page.textContent('#engine-status'), /engine ready/);
    assert.equal(await page.evaluate(() => window.akscertPage.worker), true, 'the Web Worker runs from file://');

    const kc = await makeKubeconfig();

    // A certificate issued a minute ago, pasted on its issue day: valid now, not "not yet
    // valid" (the page judges at this very second when the report date is today).
    const freshKeys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const fresh = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '03', name: 'CN=fresh', notBefore: new Date(Date.now() - 60000), notAfter: new Date(Date.now() + 86400000 * 365),
      keys: freshKeys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    await page.fill('#paste', fresh.toString('pem'));
    await page.waitForFunction(() => /^done/.test(document.getElementById('paste-status').textContent)
      && document.querySelectorAll('#inspect-table tbody tr').length === 1);
    const freshRow = await page.$$eval('#inspect-table tbody tr', (trs) => [...trs[0].cells].map((c) => c.textContent));
    assert.ok(!freshRow.some((c) => /not yet valid/i.test(c)), JSON.stringify(freshRow));
    assert.match(await page.textContent('#inspect-summary'), / at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);

    // Cluster facts → expiry report.
    await fillFacts(page);
    await page.click('#run-report');
    await page.waitForSelector('#report-table tbody tr');
    const rows = await page.$$eval('#report-table tbody tr', (trs) => trs.map((tr) => ({
      role: tr.dataset.role, cells: [...tr.cells].map((c) => c.textContent) })));
    const api = rows.find((r) => r.role === 'apiServer' && r.cells[1] === 'control plane');
    assert.ok(api, JSON.stringify(rows.map((r) => r.role)));
    assert.equal(api.cells[7], 'rotation due');
    assert.equal(api.cells[5], '19');
    assert.match(api.cells[6], /manual only/);
    assert.match(api.cells[8], /az aks rotate-certs --resource-group rg-prod --name prod/);
    const ca = rows.find((r) => r.role === 'clusterCa' && r.cells[1] === 'control plane');
    assert.match(ca.cells[4], /^2051-/);
    assert.ok(rows.some((r) => r.role === 'kubeletServing'));
    assert.ok(await page.$$eval('#timeline svg rect.bar', (b) => b.length) >= rows.length);

    // What-if: rotate now → downtime, broken kubeconfigs, commands.
    await page.click('#wi-rotate');
    await page.waitForSelector('#wi-downtime');
    assert.notEqual(await page.textContent('#wi-downtime'), 'none');
    const broken = await page.textContent('#wi-broken');
    assert.match(broken, /alice/);
    assert.match(broken, /x509: certificate signed by unknown authority/);
    assert.match(await page.textContent('#wi-commands'), /az aks get-credentials --resource-group rg-prod --name prod --overwrite-existing/);
    assert.ok(await page.$$eval('#timeline svg rect.downtime', (d) => d.length) >= 1);

    // The upgrade button names the policy's KSCR version (policyDefaults), not a page constant.
    assert.equal(await page.textContent('#wi-upgrade'), 'Upgrade to 1.27+');
    // The other buttons answer too.
    for (const [button, heading] of [['#wi-stop', /Stop the cluster for 6 months/], ['#wi-upgrade', /Upgrade to 1\.27/], ['#wi-optout', /opt-out tag/]]) {
      await page.click(button);
      await page.waitForFunction((h) => new RegExp(h).test(document.querySelector('#whatif-out h3')?.textContent || ''), heading.source);
    }
    await page.click('#wi-rotate');
    await page.waitForSelector('#wi-commands');
    await page.screenshot({ path: path.join(artifacts, 'calculator.png'), fullPage: true });

    // Bad facts: a readable message, not a crash.
    await page.fill('input[name=kubernetesVersion]', 'one.two');
    await page.click('#run-report');
    assert.match(await page.textContent('#error'), /not what akscert expects.*kubernetesVersion/s);
    await page.fill('input[name=kubernetesVersion]', '1.19.7');

    // A 10 MB paste (a PEM bundle of ~18,000 certificates): the page stays responsive
    // while the worker reads it, and the box keeps every character.
    const big = kc.bundle.repeat(Math.ceil(10 * 1024 * 1024 / kc.bundle.length));
    // What a paste does: the text goes into the box, then an `input` event.
    const pasteMs = await page.evaluate(async (text) => {
      const ta = document.getElementById('paste');
      const t = performance.now();
      ta.value = text;
      ta.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t;
    }, big);
    assert.ok(pasteMs < 1000, `the paste itself held the page for ${pasteMs} ms`);
    let worst = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 600000) {
      const s = Date.now();
      const done = await page.evaluate(() => /^done/.test(document.getElementById('paste-status').textContent));
      worst = Math.max(worst, Date.now() - s);
      if (done) break;
      await new Promise((r) => setTimeout(r, 40));
    }
    assert.equal(await page.textContent('#paste-status'), 'done (10.0 MB)');
    assert.match(await page.textContent('#inspect-summary'), /Read as pem/);
    assert.equal(await page.$$eval('#inspect-table tbody tr', (r) => r.length), 500, 'the table shows the first 500 rows');
    assert.ok(worst < 1000, `the page froze for ${worst} ms while the worker ran`);
    assert.equal(await page.evaluate(() => document.getElementById('paste').value), big, 'the box keeps every character');
    assert.match(await page.textContent('#paste-large'), /10\.0 MB in the box/);

    // Drop a file of cluster facts: it fills the form and reports (its dates between its
    // creation and the form's now, 2023-02-10: the model refuses a fact dated later).
    await page.evaluate(() => {
      const facts = { name: 'dropped', resourceGroup: 'rg-drop', created: '2023-01-15T08:00:00Z', kubernetesVersion: '1.25.5',
        stoppedSince: '2023-01-30T18:00:00Z', nodePools: [{ name: 'nodepool1', count: 1 }] };
      const dt = new DataTransfer();
      dt.items.add(new File([JSON.stringify(facts)], 'facts.json', { type: 'application/json' }));
      document.getElementById('paste').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.waitForFunction(() => /dropped/.test(document.getElementById('report-summary').textContent));
    assert.equal(await page.inputValue('input[name=name]'), 'dropped');

    // Everything so far — first paint, the report, the what-ifs, certificates — came from
    // the calculator module alone: the full module was not fetched.
    const full = ['akscert-full-module.js', 'akscert-full-glue.js'];
    for (const f of full) assert.ok(!requests.some((u) => u.startsWith(prefix + f)), `${f} was fetched before it was needed`);
    assert.equal(await page.evaluate(() => window.akscertPage.fullLoaded), false);

    // Paste a kubeconfig (the full module reads it: the calculator reads certificates)
    // → the cluster CA and the admin client certificate, with roles, dates, next
    // rotation and why; the private key and token are never shown.
    await page.fill('#paste', kc.yaml);
    // The table still holds the 10 MB paste's rows until the full module has read it.
    await page.waitForFunction(() => /Read as kubeconfig/.test(document.getElementById('inspect-summary').textContent),
      null, { timeout: 60000 });
    const inspected = await page.$$eval('#inspect-table tbody tr', (trs) => trs.map((tr) => ({
      role: tr.dataset.role, cells: [...tr.cells].map((c) => c.textContent) })));
    const caRow = inspected.find((r) => r.role === 'clusterCa');
    assert.ok(caRow, JSON.stringify(inspected.map((r) => r.role)));
    assert.equal(caRow.cells[1], 'ca');
    assert.match(caRow.cells[4], /^2054-01-01/);
    assert.match(caRow.cells[6], /only az aks rotate-certs replaces a CA; run it before 2054-01-01/);
    const admin = inspected.find((r) => r.role === 'kubectlClient');
    assert.ok(admin, JSON.stringify(inspected.map((r) => r.role)));
    assert.equal(admin.cells[1], 'masterclient');
    assert.equal(admin.cells[2], 'ca');
    assert.match(admin.cells[4], /^2026-01-01/);
    assert.match(admin.cells[6], /az aks get-credentials --overwrite-existing/);
    assert.match(admin.cells[8], /system:masters/);
    assert.ok(admin.cells[7].length > 0, 'a status');
    assert.match(await page.textContent('#inspect-secrets'), /privateKey[\s\S]*present \(redacted\)/);
    const html = await page.content();
    for (const secret of kc.secrets) assert.ok(!html.includes(secret), 'a secret reached the page');
    assert.equal(await page.inputValue('#paste'), kc.yaml, 'the box keeps the paste as it was');
    assert.equal(await page.evaluate(() => window.akscertPage.fullLoaded), true);
    for (const f of full) assert.ok(requests.some((u) => u.startsWith(prefix + f)), `${f} was not fetched for the kubeconfig`);

    // `az` JSON is the full module's to read too.
    // Paste `az aks list` output: "Use in the form" takes each cluster's facts from the
    // engine (aksFacts), says what it assumed, and names what is missing.
    const azList = JSON.parse(fs.readFileSync(new URL('../../examples/az-aks-list.json', import.meta.url), 'utf8'));
    delete azList[0].systemData; // shop-prod: no creation date in the JSON
    await page.fill('input[name=now]', '2026-11-28');
    await page.fill('input[name=created]', '');
    await page.fill('#paste', JSON.stringify(azList, null, 2));
    await page.waitForFunction(() => document.querySelectorAll('#inspect-clusters button.use-cluster').length === 3);
    assert.equal(await page.evaluate(() => window.akscertPage.fullLoaded), true);
    // …and a fleet table from the engine's fleetReport: every cluster, most urgent first.
    const fleet = await page.$$eval('#fleet-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(fleet.map((r) => r.slice(0, 4)), [
      ['could not be assessed', 'shop-prod', 'rg-shop', '–'],
      ['overdue', 'old-batch', 'rg-legacy', '2023-02-01'],
      ['overdue', 'lab', 'rg-lab', '2025-09-28'],
    ]);
    assert.match(fleet[0][4], /shop-prod.*no creation date/);
    assert.match(fleet[1][4], /\(\+6 more\)$/);
    assert.match(await page.textContent('#fleet-counts'),
      /^3 clusters as of 2026-11-28: 2 overdue, 0 due within [^,]+, 0 later, 0 ok, 1 could not be assessed; most urgent first\.$/);
    const useCluster = (n) => page.click(`#inspect-clusters li:nth-child(${n}) button.use-cluster`);
    await useCluster(1);
    await page.waitForFunction(() => !document.getElementById('error').hidden);
    assert.match(await page.textContent('#error'), /shop-prod.*the JSON gives no creation date.*set “Created” in the form/s);
    await page.fill('input[name=created]', '2020-05-12');
    await useCluster(1);
    await page.waitForFunction(() => /^shop-prod on /.test(document.getElementById('report-summary').textContent));
    assert.equal(await page.isHidden('#error'), true);
    assert.equal(await page.inputValue('input[name=name]'), 'shop-prod');
    assert.equal(await page.inputValue('input[name=resourceGroup]'), 'rg-shop');
    assert.equal(await page.inputValue('input[name=lastUpgrade]'), '2022-05-03');
    assert.equal(await page.$$eval('#pools tbody tr', (r) => r.length), 2);
    const notes = await page.textContent('#facts-notes');
    assert.match(notes, /creation date assumed: 2020-05-12/);
    assert.match(notes, /upgraded since 1\.24 came out, assumed on 2022-05-03/);
    // lab: its creation date and its stop come from systemData, not from the form.
    await useCluster(3);
    await page.waitForFunction(() => /^lab on /.test(document.getElementById('report-summary').textContent));
    assert.equal(await page.inputValue('input[name=created]'), '2023-04-20');
    assert.equal(await page.inputValue('input[name=stoppedSince]'), '2025-06-30');
    assert.match(await page.textContent('#facts-notes'), /stopped; assumed since its last modification, 2025-06-30/);

    // A scenario needs the simulator: pasting one runs on the full module, fetched once.
    const scenario = fs.readFileSync(new URL('../../examples/scenario.json', import.meta.url), 'utf8');
    await page.fill('#paste', scenario);
    await page.waitForSelector('#scenario-summary', { timeout: 120000 });
    assert.match(await page.textContent('#scenario-summary'), /^Scenario .*: 3 clusters, \d+ events/);
    assert.equal(await page.evaluate(() => window.akscertPage.fullLoaded), true);
    for (const f of full) assert.equal(requests.filter((u) => u.startsWith(prefix + f)).length, 1, `${f} fetched once`);

    const files = onlyOwnFiles(requests, prefix);
    for (const f of ['index.html', 'style.css', 'akscert-module.js', 'akscert-glue.js', 'calc.js', 'app.js', ...full]) {
      assert.ok(files.has(f), `${f} was loaded`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('from a static server: the same page, the same answers, requests only to its own files', async () => {
  const { page, context, requests, errors } = await open(`${origin}/index.html`, `${origin}/`);
  try {
    await fillFacts(page);
    await page.click('#run-report');
    await page.waitForSelector('#report-table tbody tr');
    await page.click('#wi-stop');
    await page.waitForSelector('#whatif-out h3');
    assert.match(await page.textContent('#whatif-out'), /Downtime/);
    onlyOwnFiles(requests, `${origin}/`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the npm package\'s ESM entry works in the browser: init() fetches the same module', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${origin}/npm/package.json`);
  const out = await page.evaluate(async () => {
    const m = await import('/npm/akscert.js');
    const abi = await m.default();
    const r = m.expiryReport({ now: '2024-01-01', cluster: { name: 'b', resourceGroup: 'rg', created: '2023-01-01',
      kubernetesVersion: '1.27.3', nodePools: [{ name: 'p' }] } });
    let error = null;
    try { m.call('simulate', '{}'); } catch (e) { error = { name: e.name, kind: e.kind, isError: e instanceof Error }; }
    return { version: m.version().apiVersion, abi: abi.akscert_abi_version(), rows: r.rows.length, error };
  });
  assert.equal(out.version, 'akscert/v1');
  assert.equal(out.abi, 3);
  assert.ok(out.rows > 5);
  // The package's main entry is the calculator module: the simulator is in akscert/full.
  assert.deepEqual(out.error, { name: 'unavailableOperation', kind: 'unavailableOperation', isError: true });
  assert.ok(requests.includes(`${origin}/npm/akscert_bg.wasm`), 'init() fetched the package\'s own module');
  assert.deepEqual(requests.filter((u) => !u.startsWith(`${origin}/npm/`)), []);
  await context.close();
});
