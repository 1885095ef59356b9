import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ChartCatalog,
  CLUSTER_MATCHER,
  CLUSTER_METRICS_SOURCES,
  type ClusterConfig,
  type Component,
  type ComponentAlertGroup,
  promqlMetricNames,
} from '@ck8s/core';
import { isAlertingRule, PrometheusRule } from '@ck8s/observability';
import { App } from 'cdk8s';
import { describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { clusterConfig, fleetOf } from '../../../test-support/cluster-config.js';
import type { K8sObject } from '../../../test-support/manifests.js';
import { ClusterProfile, composeCluster, compositionOrder } from '../src/index.js';

// Every alert the service cluster evaluates links to a runbook section that exists, and reads only
// metrics that a component of a cluster reporting here scrapes: an alert on a series nobody
// scrapes never fires, which is worse than no alert.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const catalog = ChartCatalog.load(path.join(repoRoot, 'charts', 'catalog.yaml'));

const sc = clusterConfig({
  name: 'sc',
  profile: 'service',
  domain: 'sc.example.com',
  gitops: { repository: 'ssh://git@git.example.com/platform/fleet.git', branch: 'main' },
  observability: { receivers: [{ name: 'ops', type: 'webhook', secret: 'alert-webhook' }] },
  identity: { connectors: [{ type: 'oidc', id: 'corp', name: 'Corporate', secret: 'dex-corp', issuer: 'https://login.example.com' }] },
  registry: { storage: { endpoint: 'https://s3.example.com', bucket: 'registry' } },
});
const wc = clusterConfig({
  name: 'wc',
  profile: 'workload',
  domain: 'wc.example.com',
  serviceCluster: 'sc',
  // every kind of data service, whose instances declare their alerts
  tenants: [
    {
      name: 'team-a',
      services: [
        { kind: 'postgresql', name: 'orders' },
        { kind: 'rabbitmq', name: 'events' },
        { kind: 'mariadb', name: 'legacy' },
        { kind: 'nats', name: 'stream', jetstream: { storage: '1Gi' } },
      ],
    },
  ],
});
// a workload cluster Argo CD syncs: its alerts join the service cluster's too
const argo = clusterConfig({
  name: 'argo',
  profile: 'workload',
  domain: 'argo.example.com',
  serviceCluster: 'sc',
  gitops: { engine: 'argocd', repository: 'ssh://git@git.example.com/platform/fleet.git', branch: 'main' },
});
const fleet = fleetOf(sc, wc, argo);

// promtool of the pinned Prometheus (3.14.0), built by `npm run setup` from its Go module
// (tools/promtool); a missing promtool fails these tests rather than skipping them
const promtool = path.join(repoRoot, '.tools', 'bin', 'promtool');

function compose(cluster: ClusterConfig): { components: Component[]; objects: K8sObject[] } {
  const components = composeCluster(new App(), { cluster, fleet, catalog }).components;
  return { components, objects: components.flatMap((c) => c.toJson()) };
}

/** Anchors of the runbook page's sections (GitHub's: a `## Name` heading has the anchor `name`). */
function runbookAnchors(): Set<string> {
  const text = readFileSync(path.join(repoRoot, 'docs', 'runbooks.md'), 'utf8');
  return new Set([...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/\s+/g, '-')));
}

/** What a cluster scrapes: the endpoints its components declare (by name and job), whether a Prometheus runs, and the jobs its PodMonitors (or the charts' own monitors) scrape. */
function scrapeJobs(components: Component[], objects: K8sObject[]): { endpoints: Set<string>; scraped: boolean; monitors: Set<string> } {
  const endpoints = new Set(components.flatMap((c) => c.metrics.flatMap((m) => [m.name, ...(m.job ? [m.job] : [])])));
  const scraped = components.some((c) => c.roles.has('scraper'));
  // a PodMonitor scrapes under its name, or under the job its relabeling sets (one job for many endpoints)
  const monitors = new Set(
    objects
      .filter((o) => o.kind === 'PodMonitor')
      .flatMap((o) => [
        o.metadata.name,
        ...o.spec.podMetricsEndpoints.flatMap((e: K8sObject) =>
          (e.relabelings ?? []).filter((r: K8sObject) => r.targetLabel === 'job').map((r: K8sObject) => r.replacement),
        ),
      ]),
  );
  // an endpoint whose chart or operator brings its own ServiceMonitor is scraped under its job all the same
  for (const m of components.flatMap((c) => c.metrics)) if (m.monitor === false && m.job) monitors.add(m.job);
  return { endpoints, scraped, monitors };
}

const rules = (objects: K8sObject[]): K8sObject[] => objects.filter((o) => o.kind === 'PrometheusRule');
const alertsOf = (rule: K8sObject): K8sObject[] => rule.spec.groups.flatMap((g: K8sObject) => g.rules).filter((r: K8sObject) => 'alert' in r);

describe('component alerts', () => {
  const service = compose(sc);
  const workload = compose(wc);
  const argoWorkload = compose(argo);
  const platformRules = rules(service.objects).filter((r) => ['component-alerts', 'availability'].includes(r.metadata.name));

  it('are one PrometheusRule of the service cluster with the failure modes of every component', () => {
    const names = alertsOf(rules(service.objects).find((r) => r.metadata.name === 'component-alerts')).map((a) => a.alert);
    expect(names).toEqual(
      expect.arrayContaining([
        'FalcoEventDeliveryFailing',
        'DexLoginErrors',
        'NewCriticalVulnerabilities',
        'ComplianceChecksFailing',
        'AdmissionDenialsSpiking',
        'TenantQuotaNearLimit',
        'PersistentVolumeFillingUp',
        'PersistentVolumeFull',
        'HarborComponentUnhealthy',
        'HarborCoreErrors',
        'HarborRegistryErrors',
        'HarborJobsFailing',
        'HarborProjectQuotaNearLimit',
        // the older platform alerts, each now declared by the component that owns its failure mode
        'PlatformTargetDown',
        'ClusterMetricsMissing',
        'FluxResourceNotReady',
        'CertificateExpiresSoon',
        'CertificateNotReady',
        'BackupFailed',
        'BackupMissing',
        'VolumeBackupFailed',
        'VolumeBackupMissing',
        'BackupNodeAgentDown',
        'DatabaseDumpFailed',
        'DatabaseDumpMissing',
        'LogSnapshotFailed',
        'LogSnapshotMissing',
        'LogSnapshotStateUnknown',
        'FalcoCriticalEvent',
        'FalcoWarningEvent',
        'LogShippingStalled',
        'LogShippingRetriesFailing',
        'AuditArchiveFailing',
        'AuditArchiveStopped',
        'NodeFilesystemFillingUp',
        // Argo CD's, from the cluster it syncs
        'ArgoCdApplicationOutOfSync',
        'ArgoCdApplicationDegraded',
        // the data services' instances
        'PostgresqlInstanceDown',
        'PostgresqlReplicationLag',
        'PostgresqlBackupFailed',
        'RabbitmqNodeDown',
        'RabbitmqMemoryAlarm',
        'RabbitmqDefinitionsExportFailed',
        'MariadbInstanceDown',
        'MariadbGaleraNotPrimary',
        'MariadbGaleraClusterIncomplete',
        'MariadbGaleraReplicationLag',
        'MariadbBackupFailed',
        'NatsServerDown',
        'NatsServerIsolated',
        'NatsJetStreamStorageFilling',
      ]),
    );
    // no second, hand-kept list
    expect(rules(service.objects).map((r) => r.metadata.name)).not.toContain('platform-alerts');
    // a workload cluster evaluates no platform rule: its series go to the service cluster
    expect(rules(workload.objects).map((r) => r.metadata.name)).not.toContain('component-alerts');
  });

  it('give every platform alert a runbook link to a section of docs/runbooks.md', () => {
    const anchors = runbookAnchors();
    const base = 'https://git.example.com/platform/fleet/blob/main/docs/runbooks.md#';
    expect(platformRules.map((r) => r.metadata.name).sort()).toEqual(['availability', 'component-alerts']);
    for (const a of platformRules.flatMap(alertsOf)) {
      const url: string = a.annotations.runbook_url ?? '';
      expect(url.startsWith(base), `${a.alert}: runbook_url ${url}`).toBe(true);
      expect(anchors.has(url.slice(base.length)), `${a.alert}: no section "## ${a.alert}" in docs/runbooks.md`).toBe(true);
    }
  });

  it('read only metrics a scraped target of an enabled component serves', () => {
    for (const { components, objects } of [service, workload, argoWorkload]) {
      const { endpoints, scraped, monitors } = scrapeJobs(components, objects);
      const groups: ComponentAlertGroup[] = components.flatMap((c) => c.alertGroups);
      for (const a of groups.flatMap((g) => g.alerts)) {
        expect(Object.keys(a.metrics).sort(), `${a.alert}: metrics read vs declared`).toEqual(promqlMetricNames(a.expr).sort());
        for (const [metric, source] of Object.entries(a.metrics)) {
          expect(scraped, `${a.alert}: ${metric} needs a Prometheus in the cluster`).toBe(true);
          if ((CLUSTER_METRICS_SOURCES as readonly string[]).includes(source)) continue;
          expect(endpoints.has(source), `${a.alert}: ${metric} from ${source}, an endpoint no component declares`).toBe(true);
          expect(monitors.has(source), `${a.alert}: ${metric} from ${source}, which no PodMonitor scrapes`).toBe(true);
        }
      }
    }
  });

  const ruleObjects = rules(service.objects).filter((r) => platformRules.includes(r));
  const ruleConstructs = service.components.flatMap((c) => c.node.findAll()).filter((n): n is PrometheusRule => n instanceof PrometheusRule);

  /** Runs promtool on the platform's rule files written to a temporary folder, with extra files made from their paths. */
  function runPromtool(args: (ruleFiles: string[], dir: string) => string[]): { status: number; out: string } {
    expect(existsSync(promtool), `${promtool} is missing: run npm run setup`).toBe(true);
    const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-rules-'));
    try {
      const files = ruleObjects.map((r) => {
        const file = path.join(dir, `${r.metadata.name}.yaml`);
        writeFileSync(file, stringify({ groups: r.spec.groups }));
        return file;
      });
      const result = spawnSync(promtool, args(files, dir), { encoding: 'utf8' });
      return { status: result.status ?? -1, out: `${result.stdout}${result.stderr}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('pass promtool check rules', () => {
    const { status, out } = runPromtool((files) => ['check', 'rules', ...files]);
    expect(status, out).toBe(0);
    expect(out).toContain('SUCCESS');
  });

  it('fire in promtool test rules on the failure each is written for, and only then', () => {
    // the tests declared next to each alert, by the rule's position (an alert name may have several rules)
    const declared = ruleConstructs.flatMap((c) => c.groups.flatMap((g) => g.rules.filter(isAlertingRule)));
    expect(declared.map((r) => r.alert).sort()).toEqual(
      ruleObjects
        .flatMap(alertsOf)
        .map((r) => r.alert)
        .sort(),
    );
    const missing = declared.filter((r) => !(r.tests ?? []).some((t) => t.fires.length > 0)).map((r) => r.alert);
    expect(missing, 'alerts without a promtool test case in which they fire').toEqual([]);
    const { status, out } = runPromtool((_files, dir) => [
      'test',
      'rules',
      // one test file per rule, with a rule file of the generated groups cut down to the rules of its
      // name and the recording rules beside them: promtool evaluates every loaded rule at every step
      ...ruleObjects.flatMap((object) =>
        alertsOf(object).map((generated: K8sObject, index: number) => {
          const name: string = generated.alert;
          const groups = object.spec.groups
            .map((g: K8sObject) => ({ ...g, rules: g.rules.filter((r: K8sObject) => 'record' in r || r.alert === name) }))
            .filter((g: K8sObject) => g.rules.length > 0);
          const rulesFile = path.join(dir, `${object.metadata.name}-${index}.rules.yaml`);
          writeFileSync(rulesFile, stringify({ groups }));
          const tests = declared
            .filter((r) => r.alert === name && r.expr === generated.expr)
            .flatMap((r) => r.tests ?? [])
            .map((t) => ({
              name: `${name}: ${t.name}`,
              interval: t.interval ?? '1m',
              input_series: Object.entries(t.series).map(([series, values]) => ({ series, values })),
              alert_rule_test: [
                {
                  eval_time: t.at,
                  alertname: name,
                  exp_alerts: t.fires.map((a) => ({
                    exp_labels: { ...generated.labels, ...a.labels },
                    exp_annotations: { ...generated.annotations, description: a.description, ...(a.summary ? { summary: a.summary } : {}) },
                  })),
                },
              ],
            }));
          const file = path.join(dir, `${object.metadata.name}-${index}.test.yaml`);
          writeFileSync(file, stringify({ rule_files: [rulesFile], evaluation_interval: '1m', tests }));
          return file;
        }),
      ),
    ]);
    expect(status, out).toBe(0);
    expect(out).toContain('SUCCESS');
  });
});

// Every dashboard a component declares reaches the service cluster's Grafana once, filters on the
// cluster, reads only metrics a scraped target of its cluster serves, and every query parses as PromQL.
describe('component dashboards', () => {
  const clusters = [sc, wc, argo].map(compose);
  const [service, workload] = clusters;
  const configMaps = service!.objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('dashboard-component-'));
  const declared = clusters.flatMap(({ components }) => components.flatMap((c) => c.dashboards));

  it("are one ConfigMap of the service cluster per component dashboard, of its own components and its workload clusters'", () => {
    expect(configMaps.map((o) => o.metadata.name)).toEqual(
      [
        'argocd',
        'cert-manager',
        'dex',
        'falco',
        'flux',
        'harbor',
        'mariadb',
        'nats',
        'opensearch',
        'postgresql',
        'rabbitmq',
        'trivy-operator',
        'velero',
      ].map((n) => `dashboard-component-${n}`),
    );
    // the data services run in the workload cluster only: their dashboards come from there
    expect(service!.components.flatMap((c) => c.dashboards).map((d) => d.name)).not.toContain('postgresql');
    expect(workload!.objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('dashboard-'))).toEqual([]);
  });

  it('read only metrics a scraped target of the declaring cluster serves, each query naming the metrics it reads', () => {
    for (const { components, objects } of clusters) {
      const { endpoints, scraped, monitors } = scrapeJobs(components, objects);
      for (const d of components.flatMap((c) => c.dashboards)) {
        const read = new Set(d.rows.flatMap((r) => r.panels.flatMap((p) => p.queries.flatMap((q) => promqlMetricNames(q.expr)))));
        expect([...read].sort(), `${d.name}: metrics read vs declared`).toEqual(Object.keys(d.metrics).sort());
        for (const [metric, source] of Object.entries(d.metrics)) {
          expect(scraped, `${d.name}: ${metric} needs a Prometheus in the cluster`).toBe(true);
          if ((CLUSTER_METRICS_SOURCES as readonly string[]).includes(source)) continue;
          expect(endpoints.has(source), `${d.name}: ${metric} from ${source}, an endpoint no component declares`).toBe(true);
          expect(monitors.has(source), `${d.name}: ${metric} from ${source}, which no PodMonitor scrapes`).toBe(true);
        }
      }
    }
  });

  it('filter every series on the cluster variable, and keep to 2-9 panels', () => {
    for (const d of declared) {
      const panels = d.rows.flatMap((r) => r.panels);
      expect(panels.length, d.name).toBeGreaterThanOrEqual(2);
      expect(panels.length, d.name).toBeLessThanOrEqual(9);
      for (const p of panels)
        for (const q of p.queries) {
          // every metric is read through a selector, and every selector carries the cluster matcher
          const selectors = [...q.expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)];
          expect(selectors.map((m) => m[1]).sort(), `${d.name} ${p.title}: ${q.expr}`).toEqual(
            expect.arrayContaining(promqlMetricNames(q.expr).sort()),
          );
          for (const m of selectors) expect(m[2], `${d.name} ${p.title}: ${q.expr}`).toContain(CLUSTER_MATCHER);
        }
    }
  });

  it('parse as PromQL in promtool check rules, with Grafana variables given values', () => {
    expect(existsSync(promtool), `${promtool} is missing: run npm run setup`).toBe(true);
    const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-dashboards-'));
    try {
      const groups = [...new Map(declared.map((d) => [d.name, d])).values()].map((d) => ({
        name: d.name,
        rules: d.rows
          .flatMap((r) => r.panels.flatMap((p) => p.queries))
          .map((q, i) => ({
            record: `ck8s:${d.name.replace(/-/g, '_')}:${i}`,
            expr: q.expr.replaceAll('$__rate_interval', '5m').replaceAll('$cluster', '.*'),
          })),
      }));
      const file = path.join(dir, 'dashboards.yaml');
      writeFileSync(file, stringify({ groups }));
      const result = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
      const out = `${result.stdout}${result.stderr}`;
      expect(result.status, out).toBe(0);
      expect(out).toContain(`SUCCESS: ${groups.flatMap((g) => g.rules).length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a service cluster's alerts of its workload clusters", () => {
  const wc2 = clusterConfig({ name: 'wc2', profile: 'workload', domain: 'wc2.example.com', serviceCluster: 'sc' });

  it('are the alert groups the workload clusters declared when they were composed, without composing them again', () => {
    const fresh = fleetOf(sc, wc, wc2);
    // every composition ends by connecting its components, once
    const connect = vi.spyOn(ClusterProfile.prototype as unknown as { connect: () => void }, 'connect');
    try {
      const composed = [wc, wc2].flatMap((w) =>
        composeCluster(new App(), { cluster: w, fleet: fresh, catalog }).components.flatMap((c) => c.alertGroups),
      );
      const reporting = composeCluster(new App(), { cluster: sc, fleet: fresh, catalog }).reportingAlertGroups();
      expect(composed.length).toBeGreaterThan(0);
      expect(reporting).toEqual(composed);
      expect(connect).toHaveBeenCalledTimes(3);
    } finally {
      connect.mockRestore();
    }
  });

  it('are composed on demand when the service cluster comes first, the same groups', () => {
    const recorded = fleetOf(sc, wc, wc2);
    for (const w of [wc, wc2]) composeCluster(new App(), { cluster: w, fleet: recorded, catalog });
    const fromRecord = composeCluster(new App(), { cluster: sc, fleet: recorded, catalog }).reportingAlertGroups();
    const onDemand = composeCluster(new App(), { cluster: sc, fleet: fleetOf(sc, wc, wc2), catalog }).reportingAlertGroups();
    expect(onDemand.map((g) => g.name)).toEqual(fromRecord.map((g) => g.name));
    expect(onDemand).toEqual(fromRecord);
  });

  it('come first: synth composes workload clusters before the others, each group as given', () => {
    const fresh = fleetOf(sc, wc, wc2);
    expect(compositionOrder(fresh, ['sc', 'wc2', 'wc'])).toEqual(['wc2', 'wc', 'sc']);
    expect(compositionOrder(fresh, ['wc'])).toEqual(['wc']);
  });
});
