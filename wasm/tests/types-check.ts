// Compiled by `tsc --noEmit --strict` in the tests: the package's declarations must type
// real use without `any`. Never run.
import init, {
  call, expiryReport, operations, operationNumber, build, policy, policyDefaults, version, whatIf,
  type AkscertError, type ExpiryReport, type ReportRow, type Scenario, type Timeline,
  type WhatIf, type WhatIfRequest, type Policy, type AkscertAbi,
  inspect, type Inspection, type CertificateReport, type ClusterFacts,
} from 'akscert';
// The full module (kubeconfigs and other tool output, the simulator) and the trust module (signature checks),
// with the same generated types.
import {
  simulate, openScenario, simulateOpenCluster, type Timeline as FullTimeline, type ScenarioCheck,
  type ClusterTimeline, aksFacts, type AksFacts, type AksFactsEntry, inspectKubeconfig,
} from 'akscert/full';
import { checkTrust, type TrustReports, type Inspection as TrustInspection } from 'akscert/trust';

async function main(): Promise<void> {
  const abi: AkscertAbi = await init();
  const packed: bigint = abi.akscert_call(1, 0, 0);
  const v: string = version().apiVersion;
  const ops: string[] = operations();
  const p: Policy = policyDefaults();
  // Policy is also the overrides type, so every field is optional.
  const fraction: number | undefined = p.autorotationFraction;
  const tuned: Policy = policy({ ...p, leafLifetime: '365d' });

  const scenario: Scenario = {
    apiVersion: 'akscert/v1', kind: 'Scenario', horizon: '2030-01-01',
    clusters: [{
      name: 'a', resourceGroup: 'rg', created: '2024-01-01T00:00:00Z', kubernetesVersion: '1.29.2',
      nodePools: [{ name: 'system', count: 2 }],
      operations: [{ at: '2025-01-01T00:00:00Z', op: 'rotateCerts', outcome: 'succeed' }],
    }],
  };
  const t: Timeline = simulate(scenario);
  // One set of types: the full module's Timeline is the calculator module's Timeline.
  const same: FullTimeline = t;
  const abiNumber: number = operationNumber('simulate');
  const flavour: string = build();
  console.log(same.clusters.length, abiNumber, flavour);
  // A scenario held open in the module, its clusters asked for by index.
  const check: ScenarioCheck = openScenario(scenario);
  if ('valid' in check) {
    const one: ClusterTimeline = simulateOpenCluster({
      index: check.valid.clusters - 1,
      includeEvents: false,
      leaveOutResolvedBy: '2026-01-01T00:00:00Z',
    });
    console.log(check.valid.header.horizon, one.summary?.events);
  } else {
    const where: string = check.refused.path;
    const part: 'horizon' | 'afterHorizon' | 'value' = check.refused.part;
    console.log(where, part, check.refused.message);
  }
  const firstEvent = t.clusters[0]?.events?.[0];
  if (firstEvent && firstEvent.type === 'certificateIssued') {
    const role: string = firstEvent.role;
    const notAfter: string | null = firstEvent.notAfter;
    console.log(role, notAfter);
  }

  const report: ExpiryReport = expiryReport({
    now: '2025-06-01T00:00:00Z',
    cluster: {
      name: 'a', resourceGroup: 'rg', created: '2024-01-01T00:00:00Z', kubernetesVersion: '1.29.2',
      nodePools: [{ name: 'system', count: 2, tags: { team: 'x' } }],
    },
  });
  const rows: ReportRow[] = report.rows;
  const days: number | null = rows[0]?.daysLeft ?? null;
  const status: 'ok' | 'noNodes' | 'rotationDue' | 'stale' | 'expired' = report.worst;

  const req: WhatIfRequest = {
    now: '2025-06-01T00:00:00Z',
    cluster: { name: 'a', resourceGroup: 'rg', created: '2024-01-01', kubernetesVersion: '1.29.2', nodePools: [] },
    operations: [
      { at: '2025-06-01T00:00:00Z', op: 'stop' },
      { at: '2025-12-01T00:00:00Z', op: 'start' },
      { at: '2026-01-01T00:00:00Z', op: 'setTags', pool: 'system', tags: { k: 'v' } },
    ],
  };
  const w: WhatIf = whatIf(req);
  const commands: string[] = w.commands;
  const broken: string[] = w.brokenKubeconfigs.map((b) => b.kubectl);
  const downtime: string = w.summary.downtime.controlPlane;

  const ins: Inspection = inspect({ input: '-----BEGIN CERTIFICATE-----\n…', now: '2026-11-28T00:00:00Z' });
  const certs: CertificateReport[] = ins.certificates;
  const cnOf: (string | null)[] = certs.map((c) => c.subject.cn);
  const fp: string | undefined = certs[0]?.sha256Fingerprint;
  const redacted: string[] = ins.secrets.map((s) => `${s.kind} at ${s.location}: ${s.value}`);
  const kc: Inspection = inspectKubeconfig({ input: 'apiVersion: v1', now: '2026-11-28' });
  const trust: TrustReports = checkTrust({ ca: 'PEM', certificate: 'PEM', now: '2026-11-28' });
  const trusted: boolean[] = trust.map((t) => t.trusted);
  // One set of types: the trust module's Inspection is the calculator module's.
  const sameInspection: TrustInspection = ins;
  console.log(cnOf, fp, redacted, kc.inputKind, trusted, sameInspection.inputKind);

  const az: AksFacts = aksFacts({ input: '[]', now: '2026-11-28', assume: { created: '2024-01-01' } });
  const parsed: AksFacts = aksFacts({ input: [{ name: 'a', kubernetesVersion: '1.29.2' }], now: '2026-11-28' });
  const first: AksFactsEntry | undefined = az.clusters[0] ?? parsed.clusters[0];
  const clusterFacts: ClusterFacts | null = first?.facts ?? null;
  const missing: string | null = first?.error?.kind ?? null;
  const assumed: string[] = first?.notes ?? [];
  if (clusterFacts) expiryReport({ now: '2026-11-28', cluster: clusterFacts });
  console.log(missing, assumed, az.notes);

  try {
    call('simulate', '{');
  } catch (e) {
    const err = e as AkscertError;
    const kind: string = err.kind;
    console.log(kind, err.message);
  }
  console.log(packed, v, ops, fraction, tuned, days, status, commands, broken, downtime);
}

// @ts-expect-error: an operation needs its arguments (a scale without a count).
const bad: WhatIfRequest = { now: '2025-01-01', cluster: { name: 'a', resourceGroup: 'rg', created: '2024-01-01', kubernetesVersion: '1.29', nodePools: [] }, operations: [{ at: '2025-01-01', op: 'scale', pool: 'p' }] };

void main();
void bad;
