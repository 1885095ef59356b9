import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Component, findTool, toYamlStream } from '@ck8s/core';
import { importKubernetesSchemas } from '@ck8s/validate';
import { App } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvailabilityProbes, GoldenSignalDashboards, MetricsStack, PlatformAlerts, PlatformMonitors } from '../src/index.js';
import { catalog, fleet, sc, wc } from './fixtures.js';

/** The repository root, found from this file so the suite runs from any checkout. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The offline schema mirror (ck8s.config.yaml's validation.schemaMirror), or the one CI points at. */
const mirror = process.env.CK8S_SCHEMA_MIRROR ?? path.resolve(repoRoot, '..', 'shared', 'schemas');
const KUBERNETES_VERSION = '1.33.0';

interface KubeconformResult {
  readonly resources: readonly { readonly filename: string; readonly kind: string; readonly name: string; readonly version: string; readonly status: string; readonly msg: string }[];
  readonly summary: { readonly valid: number; readonly invalid: number; readonly errors: number; readonly skipped: number };
}

let work: string;
let coreSchemas: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'ck8s-observability-kubeconform-'));
  // kubeconform reads standalone schemas: the core API's are converted from the mirror's OpenAPI definitions
  const imported = importKubernetesSchemas({ definitionsFile: path.join(mirror, 'kubernetes', `v${KUBERNETES_VERSION}`, '_definitions.json'), outDir: path.join(work, 'schemas'), kubernetesVersion: KUBERNETES_VERSION, variants: ['standalone-strict'] });
  coreSchemas = path.join(imported.directories[0]!, '{{ .ResourceKind }}{{ .KindSuffix }}.json');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the real kubeconform in strict mode over files written as the generator writes them. */
async function kubeconform(files: Record<string, unknown[]>): Promise<KubeconformResult> {
  const dir = mkdtempSync(path.join(work, 'out-'));
  const paths = Object.entries(files).map(([name, objects]) => {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, toYamlStream(objects as Record<string, unknown>[]));
    return file;
  });
  const args = [
    '-strict',
    '-summary',
    '-verbose',
    '-output',
    'json',
    '-kubernetes-version',
    KUBERNETES_VERSION,
    '-schema-location',
    coreSchemas,
    '-schema-location',
    `${mirror}/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
    ...paths,
  ];
  try {
    const { stdout } = await promisify(execFile)(findTool('kubeconform', repoRoot), args);
    return JSON.parse(stdout) as KubeconformResult;
  } catch (e) {
    // kubeconform exits 1 when a resource is invalid; its report is still on stdout
    const stdout = (e as { stdout?: string }).stdout;
    if (stdout) return JSON.parse(stdout) as KubeconformResult;
    throw e;
  }
}

function outputOf(...components: Component[]): Record<string, unknown[]> {
  return Object.fromEntries(components.map((c) => [c.componentName, c.toJson()]));
}

function problems(result: KubeconformResult): string[] {
  return result.resources.filter((r) => r.status !== 'statusValid').map((r) => `${r.kind}/${r.name}: ${r.status} ${r.msg}`);
}

describe('kubeconform -strict on the generated objects', () => {
  it('accepts everything the service cluster gets: PrometheusRules, Probes, dashboard ConfigMaps and the metrics stack', async () => {
    const app = new App();
    const stack = new MetricsStack(app, 'kube-prometheus-stack', { cluster: sc, fleet, catalog, podSecurityVersion: 'v1.33' });
    const alerts = new PlatformAlerts(app, 'platform-alerts', { cluster: sc, fleet });
    const probes = new AvailabilityProbes(app, 'availability', {
      cluster: sc,
      catalog,
      endpoints: stack.endpoints.map((e) => ({ name: e.name, url: `https://${e.host}/` })),
    });
    const dashboards = new GoldenSignalDashboards(app, 'dashboards', { cluster: sc });
    const monitors = new PlatformMonitors(app, 'platform-monitors', { cluster: sc });
    const files = outputOf(stack, alerts, probes, dashboards, monitors);
    const result = await kubeconform(files);
    expect(problems(result)).toEqual([]);
    const total = Object.values(files).reduce((n, objects) => n + objects.length, 0);
    expect(result.summary).toEqual({ valid: total, invalid: 0, errors: 0, skipped: 0 });
    const kinds = new Set(result.resources.map((r) => `${r.version}/${r.kind}`));
    for (const kind of ['monitoring.coreos.com/v1/PrometheusRule', 'monitoring.coreos.com/v1/Probe', 'monitoring.coreos.com/v1/PodMonitor', 'v1/ConfigMap', 'helm.toolkit.fluxcd.io/v2/HelmRelease', 'networking.k8s.io/v1/NetworkPolicy', 'v1/Namespace']) {
      expect(kinds).toContain(kind);
    }
    expect(result.resources.filter((r) => r.kind === 'Probe')).toHaveLength(3);
  });

  it("accepts a workload cluster's metrics stack and monitors", async () => {
    const app = new App();
    const files = outputOf(new MetricsStack(app, 'kube-prometheus-stack', { cluster: wc, fleet, catalog }), new PlatformMonitors(app, 'platform-monitors', { cluster: wc }));
    const result = await kubeconform(files);
    expect(problems(result)).toEqual([]);
    const total = Object.values(files).reduce((n, objects) => n + objects.length, 0);
    expect(result.summary).toEqual({ valid: total, invalid: 0, errors: 0, skipped: 0 });
  });

  it('really checks the monitoring schemas: an unknown field and a bad interval are rejected', async () => {
    const probe = (new AvailabilityProbes(new App(), 'availability', { cluster: sc, catalog, endpoints: [{ name: 'grafana', url: 'https://grafana.sc.example.com' }] }).toJson() as any[]).find(
      (o) => o.kind === 'Probe',
    );
    const result = await kubeconform({
      broken: [
        { ...probe, spec: { ...probe.spec, interval: 'every minute' } },
        { ...probe, metadata: { ...probe.metadata, name: 'extra' }, spec: { ...probe.spec, timeout: '10s' } },
      ],
    });
    expect(result.summary).toMatchObject({ valid: 0, invalid: 2 });
    expect(problems(result).join('\n')).toMatch(/interval/);
    expect(problems(result).join('\n')).toMatch(/additionalProperties 'timeout' not allowed|timeout/);
  });
});
