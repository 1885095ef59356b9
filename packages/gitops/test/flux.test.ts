import { type CredentialContext } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APPLIED_LAYERS, DECRYPTION_ERROR_MESSAGE, FLUX_LOCKDOWN_ARGS, FluxAlerts, FluxInstall, FluxLayers, FluxSync } from '../src/index.js';

describe('FluxSync', () => {
  it('syncs the cluster folder from its branch with sops decryption and pruning', () => {
    const app = new App();
    const [repo, root] = new FluxSync(app, 'gotk-sync', {
      clusterName: 'demo-wc',
      repository: 'ssh://git@git.example.com/fleet.git',
      branch: 'release',
    }).toJson();
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
      spec: {
        path: './clusters/demo-wc/flux-system',
        prune: true,
        decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      },
    });
    // under the lockdown an object without an account runs as flux-system's `default`, which may do nothing
    expect(root.spec.serviceAccountName).toBe('kustomize-controller');
  });

  it('needs no credentials for an https repository unless configured', () => {
    const [repo] = new FluxSync(new App(), 'gotk-sync', { clusterName: 'demo-wc', repository: 'https://git.example.com/fleet.git' }).toJson();
    expect(repo.spec.secretRef).toBeUndefined();
    // the defaults match cluster.yaml's
    expect(repo.spec).toMatchObject({ ref: { branch: 'main' }, interval: '10m' });
    const [withSecret] = new FluxSync(new App(), 'gotk-sync', {
      clusterName: 'demo-wc',
      repository: 'https://git.example.com/fleet.git',
      secretName: 'git-token',
    }).toJson();
    expect(withSecret.spec.secretRef).toEqual({ name: 'git-token' });
  });
});

describe('FluxLayers', () => {
  it('applies controllers, policies, platform and tenants in order', () => {
    const layers = new FluxLayers(new App(), 'layers', { clusterName: 'demo-wc' }).toJson();
    expect(APPLIED_LAYERS).toEqual(['controllers', 'policies', 'platform', 'tenants']);
    expect(layers.map((k: any) => k.metadata.name)).toEqual(['controllers', 'policies', 'platform', 'tenants']);
    expect(layers.map((k: any) => k.spec.dependsOn)).toEqual([
      [{ name: 'flux' }],
      [{ name: 'controllers' }],
      [{ name: 'policies' }],
      [{ name: 'platform' }],
    ]);
    for (const k of layers) {
      expect(k.spec).toMatchObject({
        prune: true,
        wait: true,
        decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
        path: `./clusters/demo-wc/${k.metadata.name}`,
      });
    }
  });

  it('applies every layer as kustomize-controller, and the first only once Flux runs locked down', () => {
    const layers = new FluxLayers(new App(), 'layers', { clusterName: 'demo-wc' }).toJson();
    for (const k of layers) expect(k.spec.serviceAccountName, k.metadata.name).toBe('kustomize-controller');
    expect(layers[0].spec.dependsOn).toEqual([{ name: 'flux' }]);
  });
});

describe('FluxInstall', () => {
  const install = (repository = 'oci://ghcr.io/fluxcd/flux-manifests') =>
    new FluxInstall(new App(), 'flux', { repository, version: 'v2.7.3', interval: '10m' }).toJson();

  /** The arguments each Deployment gets from the Kustomization's patches, applied as kustomize does to an args list. */
  function patchedArgs(kustomization: any, deployment: string, args: string[]): string[] | 'deleted' {
    let out = [...args];
    for (const { patch, target } of kustomization.spec.patches) {
      if (target.kind !== 'Deployment' || !new RegExp(`^(?:${target.name})$`).test(deployment)) continue;
      const doc = parse(patch);
      if (!Array.isArray(doc)) {
        if (doc.$patch === 'delete') return 'deleted';
        throw new Error(`unexpected patch ${patch}`);
      }
      for (const op of doc) {
        expect(op).toMatchObject({ op: 'add', path: '/spec/template/spec/containers/0/args/-' });
        out = [...out, op.value];
      }
    }
    return out;
  }

  it("applies the pinned release of Flux's own install manifests as kustomize-controller, never uninstalling on delete", () => {
    const [source, kustomization] = install();
    expect(source).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: { name: 'flux-manifests', namespace: 'flux-system', labels: expect.any(Object) },
      spec: { url: 'oci://ghcr.io/fluxcd/flux-manifests', ref: { tag: 'v2.7.3' }, interval: '10m' },
    });
    expect(kustomization).toMatchObject({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'flux', namespace: 'flux-system' },
      spec: {
        sourceRef: { kind: 'OCIRepository', name: 'flux-manifests' },
        path: './',
        prune: true,
        wait: true,
        deletionPolicy: 'Orphan',
        serviceAccountName: 'kustomize-controller',
      },
    });
  });

  it("adds Flux's multi-tenancy lockdown to the controllers' arguments and leaves out image automation", () => {
    const [, kustomization] = install();
    const base = ['--events-addr=http://notification-controller.flux-system.svc.cluster.local./', '--watch-all-namespaces=true'];
    expect(patchedArgs(kustomization, 'kustomize-controller', base)).toEqual([
      ...base,
      '--no-cross-namespace-refs=true',
      '--no-remote-bases=true',
      '--default-service-account=default',
    ]);
    expect(patchedArgs(kustomization, 'helm-controller', base)).toEqual([
      ...base,
      '--no-cross-namespace-refs=true',
      '--default-service-account=default',
    ]);
    expect(patchedArgs(kustomization, 'notification-controller', base)).toEqual([...base, '--no-cross-namespace-refs=true']);
    expect(patchedArgs(kustomization, 'source-controller', base)).toEqual(base);
    expect(patchedArgs(kustomization, 'image-automation-controller', base)).toBe('deleted');
    expect(patchedArgs(kustomization, 'image-reflector-controller', base)).toBe('deleted');
    // the patches are what FLUX_LOCKDOWN_ARGS says, which the e2e runs the controllers with
    expect(FLUX_LOCKDOWN_ARGS['kustomize-controller']).toEqual([
      '--no-cross-namespace-refs=true',
      '--no-remote-bases=true',
      '--default-service-account=default',
    ]);
  });

  it('reaches a loopback test registry over plain HTTP, and no other', () => {
    expect(install('oci://127.0.0.1:5000/fluxcd/flux-manifests')[0].spec.insecure).toBe(true);
    expect(install('oci://registry.example.com/fluxcd/flux-manifests')[0].spec.insecure).toBeUndefined();
    expect(install('oci://127.0.0.1.example.com/fluxcd/flux-manifests')[0].spec.insecure).toBeUndefined();
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
      spec: {
        type: 'alertmanager',
        address: 'https://alertmanager.demo-sc.example.com/api/v2/alerts/',
        secretRef: { name: 'alertmanager-credentials' },
      },
    });
    expect(alert).toMatchObject({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: 'sops-decryption-failed', namespace: 'flux-system' },
      spec: {
        providerRef: { name: 'alertmanager' },
        eventSeverity: 'error',
        eventSources: [{ kind: 'Kustomization', name: '*' }],
        eventMetadata: { cluster: 'demo-wc' },
      },
    });
    expect(alerts.requiredSecrets).toEqual([
      {
        namespace: 'flux-system',
        name: 'alertmanager-credentials',
        keys: ['username', 'password'],
        purpose: expect.stringContaining('Alertmanager'),
        generate: expect.any(Function),
      },
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
      'cannot get sops decryption Secret \'sops-age\': secrets "sops-age" not found',
      'Secret/team-a/app-database is SOPS encrypted, configuring decryption is required for this secret to be reconciled',
    ]) {
      expect(pattern.test(message), message).toBe(true);
    }
    for (const message of [
      "health check failed after 9m30s: timeout waiting for: [Deployment/team-a/app status: 'InProgress']",
      "dependency 'flux-system/controllers' is not ready",
      'kustomize build failed: accumulating resources: open /tmp/kustomization-1/policies/x.yaml: no such file or directory',
    ]) {
      expect(pattern.test(message), message).toBe(false);
    }
  });
});
