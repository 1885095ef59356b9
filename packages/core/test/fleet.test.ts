import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadFleet, Workspace } from '../src/index.js';

const COMMON =
  'kubernetesVersion: "1.33"\ngitops: { repository: https://git.example.com/f.git }\ncertificates: { issuer: private-ca }\nbackup: { enabled: false }\nregistry: { enabled: false }\nidentity: { enabled: false }\n';
/** What a service cluster with metrics needs: somewhere to send alerts. */
const RECEIVERS = 'observability: { receivers: [{ name: ops, type: webhook, secret: ops-hook }] }\n';

function fleet(clusters: Record<string, string>): Workspace {
  const root = mkdtempSync(path.join(tmpdir(), 'ck8s-fleet-'));
  writeFileSync(path.join(root, 'ck8s.config.yaml'), 'validation: {}\n');
  for (const [name, body] of Object.entries(clusters)) {
    mkdirSync(path.join(root, 'clusters', name), { recursive: true });
    writeFileSync(path.join(root, 'clusters', name, 'cluster.yaml'), `name: ${name}\ndomain: ${name}.example.com\n${COMMON}${body}`);
  }
  return new Workspace(root, {});
}

function problems(workspace: Workspace): string[] {
  try {
    loadFleet(workspace);
    return [];
  } catch (e) {
    return (e as ConfigError).problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
  }
}

describe('fleet', () => {
  it('loads a matching pair of clusters', () => {
    const w = fleet({ sc: RECEIVERS + 'profile: service\nenvironment: prod\n', wc: 'profile: workload\nenvironment: prod\nserviceCluster: sc\n' });
    expect([...loadFleet(w).clusters.keys()]).toEqual(['sc', 'wc']);
  });

  it('keeps evidence within one environment', () => {
    const w = fleet({ sc: RECEIVERS + 'profile: service\nenvironment: staging\n', wc: 'profile: workload\nenvironment: prod\nserviceCluster: sc\n' });
    expect(problems(w)).toEqual(['clusters/wc/cluster.yaml: environment: "prod" differs from "staging" of its service cluster sc (clusters/sc/cluster.yaml); evidence must stay within one environment']);
  });

  it('fails when the service cluster lacks a receiving end', () => {
    const w = fleet({ sc: RECEIVERS + 'profile: service\nenvironment: prod\nlogging: { enabled: false }\n', wc: 'profile: workload\nenvironment: prod\nserviceCluster: sc\n' });
    expect(problems(w)).toEqual([
      'clusters/wc/cluster.yaml: logging.enabled: needs the log store in service cluster sc, but clusters/sc/cluster.yaml sets logging.enabled: false',
      'clusters/wc/cluster.yaml: ids.enabled: needs the log store for Falco events in service cluster sc, but clusters/sc/cluster.yaml sets logging.enabled: false',
    ]);
  });

  it('rejects a service cluster reference to a workload cluster or to nothing', () => {
    const w = fleet({ a: 'profile: workload\nenvironment: prod\nserviceCluster: b\n', b: 'profile: workload\nenvironment: prod\nserviceCluster: zz\n' });
    expect(problems(w)).toEqual([
      'clusters/a/cluster.yaml: serviceCluster: "b" has profile "workload", expected a service cluster',
      'clusters/b/cluster.yaml: serviceCluster: "zz" is not a cluster of this repository (clusters: a, b)',
    ]);
  });
});
