// The calculator page's own logic (wasm/www/calc.js, loaded as the page loads it: a
// classic script): the requests the form and the what-if buttons build are accepted by
// the engine and mean what the buttons say; the timeline is well-formed, escaped SVG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { api, loadCases, wwwDir } from './support.mjs';

const ctx = {};
vm.runInNewContext(fs.readFileSync(path.join(wwwDir, 'calc.js'), 'utf8') + '\nthis.AksCalc = AksCalc;', ctx);
const C = ctx.AksCalc;
const plain = (x) => JSON.parse(JSON.stringify(x));

const form = {
  name: 'prod', resourceGroup: 'rg', created: '2021-03-01', kubernetesVersion: '1.19.7',
  lastUpgrade: '', lastRotation: '', stoppedSince: '', rbac: true, tlsBootstrap: true,
  holders: 'alice, ci', pools: [
    { name: 'system', mode: 'System', os: 'Linux', count: '3', nodeImage: '', snapshot: '', tags: 'team=a, env = prod', lastReimage: '' },
    { name: 'win', mode: '', os: 'Windows', count: '2', nodeImage: '', snapshot: '', tags: '', lastReimage: '' },
    { name: '  ', mode: '', os: '', count: '', nodeImage: '', snapshot: '', tags: '', lastReimage: '' },
  ],
};

test('the form becomes cluster facts: blanks left to the defaults, tags and holders parsed', () => {
  const f = plain(C.factsFromForm(form));
  assert.deepEqual(f, {
    name: 'prod', resourceGroup: 'rg', created: '2021-03-01', kubernetesVersion: '1.19.7',
    nodePools: [
      { name: 'system', mode: 'System', os: 'Linux', count: 3, tags: { team: 'a', env: 'prod' } },
      { name: 'win', os: 'Windows', count: 2 },
    ],
    kubeconfigs: [{ holder: 'alice' }, { holder: 'ci' }],
  });
  const r = api.expiryReport(C.reportRequest(f, '2023-02-10'));
  assert.ok(r.rows.some((row) => row.scope === 'nodePool:win'));
});

test('each what-if button asks for what it says, and the engine accepts it', () => {
  const facts = plain(C.factsFromForm(form));
  const now = '2023-02-10T00:00:00Z';
  const policy = api.policyDefaults();
  const rotate = api.whatIf(plain(C.whatIfRequest('rotate', facts, now, 6, policy)));
  assert.equal(rotate.after.caGeneration, rotate.before.caGeneration + 1);
  assert.ok(rotate.brokenKubeconfigs.length >= 1);

  const stopReq = plain(C.whatIfRequest('stop', facts, now, 6, policy));
  assert.deepEqual(stopReq.operations.map((o) => [o.op, o.at]), [['stop', now], ['start', '2023-08-10T00:00:00Z']]);
  const stop = api.whatIf(stopReq);
  assert.notEqual(stop.summary.downtime.controlPlane, '0s');

  const upReq = plain(C.whatIfRequest('upgrade', facts, now, 6, policy));
  assert.equal(upReq.operations[0].kubernetesVersion, '1.27.0');
  assert.equal(C.upgradeTarget('1.29.4', policy), '1.30.0');
  // The page follows the policy, not a number of its own.
  assert.equal(C.upgradeTarget('1.29.4', { ...policy, kscrMinVersion: '1.31' }), '1.31.0');
  const up = api.whatIf(upReq);
  assert.equal(up.after.autorotation, true, 'an upgrade after March 2022 turns autorotation on');

  const optReq = plain(C.whatIfRequest('optOut', facts, now, 6, policy));
  const tags = optReq.operations.filter((o) => o.op === 'setTags');
  assert.equal(tags.length, 2);
  assert.equal(tags[0].tags[policy.kscrOptOutTag], 'true');
  assert.equal(plain(C.whatIfRequest('optOut', facts, now, 6, { ...policy, kscrOptOutTag: 'x-opt-out' })).operations[0].tags['x-opt-out'], 'true');
  assert.equal(tags[0].tags.team, 'a', 'existing tags are kept');
  assert.equal(optReq.operations.filter((o) => o.op === 'nodeImageUpgrade').length, 2, 'then a reimage, which makes it effective');
  api.whatIf(optReq);
});

test('the timeline is SVG with a bar per row, the downtime, and escaped text', () => {
  const facts = plain(C.factsFromForm({ ...form, pools: form.pools.slice(0, 1) }));
  const now = '2023-02-10T00:00:00Z';
  const w = api.whatIf(plain(C.whatIfRequest('rotate', facts, now, 6, api.policyDefaults())));
  w.before.rows[0].title = 'x<script>alert(1)</script>';
  const svg = C.timelineSvg(w.before, w);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<rect class="bar /g) || []).length, w.before.rows.length);
  assert.ok((svg.match(/<rect class="downtime"/g) || []).length >= 1);
  assert.ok(!svg.includes('<script'));
  assert.ok(!/NaN|undefined/.test(svg));
  assert.equal(C.escapeHtml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
});

test('the paste box tells scenarios, cluster facts and everything else apart', () => {
  assert.equal(C.sniff('{"apiVersion":"akscert/v1","kind":"Scenario","clusters":[]}'), 'scenario');
  assert.equal(C.sniff('\uFEFF  {"name":"a","nodePools":[]}'), 'facts');
  assert.equal(C.sniff('-----BEGIN CERTIFICATE-----\nMII…'), 'inspect');
  assert.equal(C.sniff('apiVersion: v1\nkind: Config\n'), 'inspect');
  assert.equal(C.duration('4744d23h59m59s'), '4744 d 23 h 59 m 59 s');
  assert.equal(C.duration('0s'), 'none');
});

test('az aks show output: aksFacts in the engine gives the form its facts, or says what is missing', () => {
  const show = {
    name: 'myaks', resourceGroup: 'rg-prod', location: 'westeurope', type: 'Microsoft.ContainerService/ManagedClusters',
    kubernetesVersion: '1.29.4', currentKubernetesVersion: '1.29.4', provisioningState: 'Succeeded',
    powerState: { code: 'Running' }, enableRbac: true,
    agentPoolProfiles: [{ name: 'system', count: 2, mode: 'System', osType: 'Linux', orchestratorVersion: '1.29.4',
      nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202508.20.1', tags: { team: 'x' } }],
  };
  const text = JSON.stringify(show);
  // The page's "Use in the form": cluster i of the inspection is cluster i of aksFacts.
  const ins = api.inspect({ input: text, now: '2026-11-28T00:00:00Z' });
  assert.equal(ins.clusters.length, 1);
  const missing = api.aksFacts({ input: text, now: '2026-11-28T00:00:00Z', assume: {} });
  assert.equal(missing.clusters[0].facts, null);
  assert.equal(missing.clusters[0].error.kind, 'missingCreationDate');
  assert.match(missing.clusters[0].error.message, /the JSON gives no creation date/);

  const doc = api.aksFacts({ input: text, now: '2026-11-28T00:00:00Z', assume: { created: '2024-02-01' } });
  assert.equal(doc.kind, 'AksFacts');
  const [entry] = doc.clusters;
  assert.equal(entry.error, null);
  assert.deepEqual(plain(entry.notes), ['creation date assumed: 2024-02-01 (not in the JSON)']);
  assert.deepEqual(plain(entry.facts), {
    name: 'myaks', resourceGroup: 'rg-prod', created: '2024-02-01T00:00:00Z', kubernetesVersion: '1.29.4',
    rbac: true, tlsBootstrap: true,
    nodePools: [{ name: 'system', mode: 'System', os: 'Linux', count: 2, kubernetesVersion: '1.29.4',
      nodeImage: 'AKSUbuntu-2204gen2containerd-202508.20.1', tags: { team: 'x' } }],
  });
  const r = api.expiryReport(C.reportRequest(entry.facts, '2026-11-28'));
  assert.equal(r.cluster, 'myaks');
  assert.equal(typeof C.factsFromAks, 'undefined', 'the page maps nothing itself');
});

test('the next-rotation column words the hint core computes from the role and policy', () => {
  const chain = loadCases().find((c) => c.name === 'inspect-pem-chain');
  const ins = api.inspect(JSON.parse(chain.input));
  const cert = ins.certificates.find((c) => c.role === 'apiServer');
  assert.equal(cert.nextRotation.mechanism, 'autorotation');
  assert.match(C.rotationHint(cert), /^\d{4}-\d{2}-\d{2}: AKS autorotation at 80% of its validity \(if the cluster was created or upgraded after March 2022/);
  const window = { nextRotation: { mechanism: 'kubeletRenewal', earliest: '2025-05-26T00:00:00Z', latest: '2025-10-19T00:00:00Z', condition: null, how: 'the kubelet renews it' } };
  assert.equal(C.rotationHint(window), '2025-05-26 – 2025-10-19: the kubelet renews it');
  assert.equal(C.rotationHint({ nextRotation: null }), '', 'unknown roles get no hint');
});
