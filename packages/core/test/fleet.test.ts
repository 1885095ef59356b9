import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConfigError, hostCovers, loadFleet, tenantHosts, Workspace } from '../src/index.js';

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
    expect(problems(w)).toEqual([
      'clusters/wc/cluster.yaml: environment: "prod" differs from "staging" of its service cluster sc (clusters/sc/cluster.yaml); evidence must stay within one environment',
    ]);
  });

  it('fails when the service cluster lacks a receiving end', () => {
    const w = fleet({
      sc: RECEIVERS + 'profile: service\nenvironment: prod\nlogging: { enabled: false }\n',
      wc: 'profile: workload\nenvironment: prod\nserviceCluster: sc\n',
    });
    expect(problems(w)).toEqual([
      'clusters/wc/cluster.yaml: logging.enabled: needs the log store in service cluster sc, but clusters/sc/cluster.yaml sets logging.enabled: false',
      'clusters/wc/cluster.yaml: ids.enabled: needs the log store for Falco events in service cluster sc, but clusters/sc/cluster.yaml sets logging.enabled: false',
    ]);
  });

  it("defaults a tenant's hosts to its own subdomain of the cluster's domain", () => {
    const w = fleet({
      sc: RECEIVERS + 'profile: service\nenvironment: prod\n',
      wc: 'profile: workload\nenvironment: prod\nserviceCluster: sc\ntenants: [{ name: team-a }, { name: team-b, hosts: [shop.example.org] }]\n',
    });
    const wc = loadFleet(w).clusters.get('wc')!;
    expect(wc.tenants.map((t) => tenantHosts(wc, t))).toEqual([['team-a.wc.example.com', '*.team-a.wc.example.com'], ['shop.example.org']]);
  });

  it('refuses tenant hosts that cover a platform endpoint of any cluster, naming the file, the field and the host', () => {
    const w = fleet({
      sc: RECEIVERS + 'profile: service\nenvironment: prod\ntenants: [{ name: grafana }]\n',
      wc: 'profile: workload\nenvironment: prod\nserviceCluster: sc\ntenants: [{ name: team-a, hosts: [team-a.wc.example.com, "*.example.com"] }, { name: team-b, hosts: [registry.sc.example.com] }]\n',
    });
    expect(problems(w)).toEqual([
      'clusters/sc/cluster.yaml: tenants[0].hosts: the default host "grafana.sc.example.com" covers grafana.sc.example.com, a platform endpoint of cluster sc; a tenant may not serve a platform host',
      // every cluster's enterprise UI (headlamp.<domain>) is a platform endpoint too
      ...[
        'alertmanager.sc',
        'dex.sc',
        'grafana.sc',
        'headlamp.sc',
        'headlamp.wc',
        'opensearch-dashboards.sc',
        'opensearch.sc',
        'prometheus.sc',
        'registry.sc',
      ].map(
        (h) =>
          `clusters/wc/cluster.yaml: tenants[0].hosts[1]: "*.example.com" covers ${h}.example.com, a platform endpoint of cluster ${h.split('.')[1]}; a tenant may not serve a platform host`,
      ),
      'clusters/wc/cluster.yaml: tenants[1].hosts[0]: "registry.sc.example.com" covers registry.sc.example.com, a platform endpoint of cluster sc; a tenant may not serve a platform host',
      'clusters/wc/cluster.yaml: tenants[1].hosts[0]: "registry.sc.example.com" overlaps "*.example.com" of tenant team-a (tenants[0].hosts[1]); tenants may not share hosts',
    ]);
  });

  it("refuses a tenant host that overlaps another tenant's", () => {
    const w = fleet({
      sc: RECEIVERS + 'profile: service\nenvironment: prod\n',
      wc: 'profile: workload\nenvironment: prod\nserviceCluster: sc\ntenants: [{ name: team-a }, { name: team-b, hosts: [api.team-a.wc.example.com] }]\n',
    });
    expect(problems(w)).toEqual([
      'clusters/wc/cluster.yaml: tenants[1].hosts[0]: "api.team-a.wc.example.com" overlaps "*.team-a.wc.example.com" of tenant team-a (the default hosts of tenants[0]); tenants may not share hosts',
    ]);
  });

  it('rejects a service cluster reference to a workload cluster or to nothing', () => {
    const w = fleet({
      a: 'profile: workload\nenvironment: prod\nserviceCluster: b\n',
      b: 'profile: workload\nenvironment: prod\nserviceCluster: zz\n',
    });
    expect(problems(w)).toEqual([
      'clusters/a/cluster.yaml: serviceCluster: "b" has profile "workload", expected a service cluster',
      'clusters/b/cluster.yaml: serviceCluster: "zz" is not a cluster of this repository (clusters: a, b)',
    ]);
  });
});

describe('hostCovers', () => {
  it('matches a name itself, and every name below a wildcard suffix at any depth, never a look-alike', () => {
    expect(hostCovers('shop.example.com', 'shop.example.com')).toBe(true);
    expect(hostCovers('shop.example.com', 'www.shop.example.com')).toBe(false);
    expect(hostCovers('*.shop.example.com', 'a.b.shop.example.com')).toBe(true);
    expect(hostCovers('*.shop.example.com', '*.shop.example.com')).toBe(true);
    expect(hostCovers('*.shop.example.com', 'shop.example.com')).toBe(false);
    expect(hostCovers('*.shop.example.com', 'evilshop.example.com')).toBe(false);
  });
});
