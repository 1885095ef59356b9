import { type ClusterConfig, type CredentialContext, validateClusterConfig } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { APPLIED_LAYERS, DECRYPTION_ERROR_MESSAGE, FluxAlerts, FluxLayers, FluxSync } from '../src/index.js';

function cluster(overrides: Record<string, unknown> = {}): ClusterConfig {
  const raw = {
    name: 'demo-wc',
    profile: 'workload',
    environment: 'demo',
    kubernetesVersion: '1.33',
    domain: 'demo.example.com',
    serviceCluster: 'demo-sc',
    gitops: { repository: 'ssh://git@git.example.com/fleet.git', branch: 'release' },
    certificates: { issuer: 'private-ca' },
    backup: { enabled: false },
    ...overrides,
  };
  const { config, problems } = validateClusterConfig(raw, 'cluster.yaml');
  if (!config) throw new Error(problems.map((p) => p.message).join('\n'));
  return config;
}

describe('FluxSync', () => {
  it('syncs the cluster folder from its branch with sops decryption and pruning', () => {
    const app = new App();
    const [repo, root] = new FluxSync(app, 'gotk-sync', { cluster: cluster() }).toJson();
    expect(repo).toMatchObject({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'flux-system', namespace: 'flux-system' },
      spec: { url: 'ssh://git@git.example.com/fleet.git', ref: { branch: 'release' }, secretRef: { name: 'flux-system' }, interval: '10m' },
    });
    // only this cluster's folder is packaged, without its input file
    expect(repo.spec.ignore.split('\n')).toEqual(['/*', '!/clusters/', '/clusters/*', '!/clusters/demo-wc/', '/clusters/demo-wc/cluster.yaml', '']);
    expect(root).toMatchObject({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'flux-system', namespace: 'flux-system' },
      spec: { path: './clusters/demo-wc/flux-system', prune: true, decryption: { provider: 'sops', secretRef: { name: 'sops-age' } }, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    });
  });

  it('needs no credentials for an https repository unless configured', () => {
    const [repo] = new FluxSync(new App(), 'gotk-sync', { cluster: cluster({ gitops: { repository: 'https://git.example.com/fleet.git' } }) }).toJson();
    expect(repo.spec.secretRef).toBeUndefined();
    const [withSecret] = new FluxSync(new App(), 'gotk-sync', { cluster: cluster({ gitops: { repository: 'https://git.example.com/fleet.git', secretName: 'git-token' } }) }).toJson();
    expect(withSecret.spec.secretRef).toEqual({ name: 'git-token' });
  });
});

describe('FluxLayers', () => {
  it('applies controllers, policies, platform and tenants in order', () => {
    const layers = new FluxLayers(new App(), 'layers', { cluster: cluster() }).toJson();
    expect(APPLIED_LAYERS).toEqual(['controllers', 'policies', 'platform', 'tenants']);
    expect(layers.map((k: any) => k.metadata.name)).toEqual(['controllers', 'policies', 'platform', 'tenants']);
    expect(layers.map((k: any) => k.spec.dependsOn)).toEqual([undefined, [{ name: 'controllers' }], [{ name: 'policies' }], [{ name: 'platform' }]]);
    for (const k of layers) {
      expect(k.spec).toMatchObject({ prune: true, wait: true, decryption: { provider: 'sops', secretRef: { name: 'sops-age' } }, path: `./clusters/demo-wc/${k.metadata.name}` });
    }
  });
});

describe('FluxAlerts', () => {
  it("sends Flux's decryption errors to the service cluster's Alertmanager with credentials from a sops Secret", () => {
    const alerts = new FluxAlerts(new App(), 'flux-alerts', { clusterName: 'demo-wc', alertmanagerUrl: 'https://alertmanager.demo-sc.example.com' });
    const [provider, alert] = alerts.toJson();
    expect(provider).toMatchObject({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Provider',
      metadata: { name: 'alertmanager', namespace: 'flux-system' },
      spec: { type: 'alertmanager', address: 'https://alertmanager.demo-sc.example.com/api/v2/alerts/', secretRef: { name: 'alertmanager-credentials' } },
    });
    expect(alert).toMatchObject({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: 'sops-decryption-failed', namespace: 'flux-system' },
      spec: { providerRef: { name: 'alertmanager' }, eventSeverity: 'error', eventSources: [{ kind: 'Kustomization', name: '*' }], eventMetadata: { cluster: 'demo-wc' } },
    });
    expect(alerts.requiredSecrets).toEqual([
      { namespace: 'flux-system', name: 'alertmanager-credentials', keys: ['username', 'password'], purpose: expect.stringContaining('Alertmanager'), generate: expect.any(Function) },
    ]);
    // onboarding fills it with the cluster's alert-sender account, the user the service cluster's Alertmanager htpasswd lists
    const context = { cluster: 'demo-wc', account: (kind: string, user: string) => `password of ${kind} ${user}` } as CredentialContext;
    expect(alerts.requiredSecrets[0]!.generate!(context)).toEqual({ username: 'flux-demo-wc', password: 'password of alert-sender flux-demo-wc' });
    expect(alerts.outputFile).toBe('flux-system/flux-alerts.yaml');
  });

  it("matches kustomize-controller's decryption errors and nothing else", () => {
    // Go's (?i) prefix is JavaScript's i flag
    expect(DECRYPTION_ERROR_MESSAGE.startsWith('(?i)')).toBe(true);
    const pattern = new RegExp(DECRYPTION_ERROR_MESSAGE.slice('(?i)'.length), 'i');
    // messages as kustomize-controller writes them (internal/controller/kustomization_controller.go, internal/decryptor)
    for (const message of [
      "decryption failed for 'Secret/app-database': Error getting data key: 0 successful groups required, got 0",
      "error decrypting sources: failed to decrypt and format 'secrets/app.env' source: MAC mismatch",
      "cannot get sops decryption Secret 'sops-age': secrets \"sops-age\" not found",
      'Secret/team-a/app-database is SOPS encrypted, configuring decryption is required for this secret to be reconciled',
    ]) {
      expect(pattern.test(message), message).toBe(true);
    }
    for (const message of [
      "health check failed after 9m30s: timeout waiting for: [Deployment/team-a/app status: 'InProgress']",
      "dependency 'flux-system/controllers' is not ready",
      "kustomize build failed: accumulating resources: open /tmp/kustomization-1/policies/x.yaml: no such file or directory",
    ]) {
      expect(pattern.test(message), message).toBe(false);
    }
  });
});
