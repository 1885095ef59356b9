import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-fixture.js';

interface Found {
  readonly file: string;
  readonly doc: any;
}

function generatedObjects(cluster: string): Found[] {
  const found: Found[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const file = path.join(dir, entry);
      // node/ holds installer configuration (kubeadm, Talos), not Kubernetes objects
      if (statSync(file).isDirectory()) {
        if (path.relative(path.join(REPO_ROOT, 'clusters', cluster), file) !== 'node') walk(file);
      } else if (entry !== 'cluster.yaml' && entry !== 'kustomization.yaml') {
        for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) found.push({ file: path.relative(REPO_ROOT, file), doc: doc.toJS() });
      }
    }
  };
  walk(path.join(REPO_ROOT, 'clusters', cluster));
  return found;
}

describe.each(['demo-wc', 'demo-sc'])('generated output of %s', (cluster) => {
  const objects = generatedObjects(cluster);

  it('names every object readably, without construct hashes', () => {
    expect(objects.length).toBeGreaterThan(5);
    for (const { file, doc } of objects) {
      expect(doc.metadata?.name, file).toMatch(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/);
      expect(doc.metadata.name, file).not.toMatch(/-c8[0-9a-f]{6,}$/);
    }
  });

  it('labels every object the platform generates as managed by ck8s', () => {
    for (const { file, doc } of objects.filter((o) => o.doc.kind !== 'Secret')) {
      expect(doc.metadata.labels?.['app.kubernetes.io/managed-by'], `${file} ${doc.kind}/${doc.metadata.name}`).toBe('ck8s');
    }
  });

  it('gives every namespace a default-deny policy for ingress and egress, and restricted Pod Security unless justified', () => {
    const namespaces = objects.filter((o) => o.doc.kind === 'Namespace');
    for (const { doc } of namespaces) {
      const deny = objects.find(
        (o) => o.doc.kind === 'NetworkPolicy' && o.doc.metadata.namespace === doc.metadata.name && o.doc.metadata.name === 'default-deny',
      );
      expect(deny?.doc.spec, doc.metadata.name).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      if (doc.metadata.labels['pod-security.kubernetes.io/enforce'] !== 'restricted') {
        expect(doc.metadata.annotations?.['platform.ck8s.io/pod-security-exception'], doc.metadata.name).toBeTruthy();
      }
    }
  });

  it('decrypts with sops, prunes, and orders every Flux Kustomization of the cluster folder, each as kustomize-controller', () => {
    const kustomizations = objects.filter((o) => o.doc.kind === 'Kustomization').map((o) => o.doc);
    // the layers, from the fleet repository's GitRepository
    const ofGit = kustomizations.filter((k) => k.spec.sourceRef.kind === 'GitRepository' && k.spec.sourceRef.name === 'flux-system');
    expect(ofGit.map((k) => k.metadata.name)).toEqual(['flux-system', 'controllers', 'policies', 'platform', 'tenants']);
    for (const k of ofGit) {
      expect(k.spec.prune).toBe(true);
      expect(k.spec.decryption).toEqual({ provider: 'sops', secretRef: { name: 'sops-age' } });
      expect(k.spec.path).toBe(`./clusters/${cluster}/${k.metadata.name}`);
    }
    // and Flux itself, which the first layer waits for
    const others = kustomizations.filter((k) => !ofGit.includes(k));
    expect(others.filter((k) => k.spec.sourceRef.kind === 'OCIRepository').map((k) => [k.metadata.name, k.spec.sourceRef.name])).toEqual([
      ['flux', 'flux-manifests'],
    ]);
    expect(ofGit.find((k) => k.metadata.name === 'controllers').spec.dependsOn).toEqual([{ name: 'flux' }]);
    // under Flux's lockdown one without an account would run as flux-system's default, which may do nothing
    for (const k of [...ofGit, others.find((o) => o.metadata.name === 'flux')])
      expect(k.spec.serviceAccountName, k.metadata.name).toBe('kustomize-controller');
    // and upstream manifests of a project without a chart (RabbitMQ's operator, where a tenant declares one): at a
    // commit-pinned tag, applied as an account of their own namespace, like a platform HelmRelease
    const manifests = others.filter((k) => k.spec.sourceRef.kind === 'GitRepository');
    expect(manifests.map((k) => k.metadata.name)).toEqual(cluster === 'demo-wc' ? ['rabbitmq-cluster-operator'] : []);
    for (const k of manifests) {
      expect(k.spec.serviceAccountName).toBe(`flux-${k.metadata.name}`);
      const source = objects.find((o) => o.doc.kind === 'GitRepository' && o.doc.metadata.name === k.spec.sourceRef.name)!.doc;
      expect(source.metadata.namespace).toBe(k.metadata.namespace);
      expect(source.spec.ref.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it("installs every platform HelmRelease as an account of its own namespace that the same file creates, a tenant's as the tenant's own", () => {
    const releases = objects.filter((o) => o.doc.kind === 'HelmRelease');
    expect(releases.length).toBeGreaterThan(3);
    const tenants = new Set(
      objects.filter((o) => o.doc.kind === 'Namespace' && o.doc.metadata.labels['platform.ck8s.io/tenant']).map((o) => o.doc.metadata.name),
    );
    for (const { file, doc } of releases) {
      const account = doc.spec.serviceAccountName;
      const tenant = tenants.has(doc.metadata.namespace);
      // a data service's release in a tenant's namespace: the tenant's flux-reconciler (admin there only), since
      // any account in that namespace is usable by the tenant's own pods
      expect(account, `${doc.metadata.namespace}/${doc.metadata.name}`).toBe(tenant ? 'flux-reconciler' : `flux-${doc.metadata.name}`);
      expect(
        objects.some(
          (o) =>
            (tenant || o.file === file) &&
            o.doc.kind === 'ServiceAccount' &&
            o.doc.metadata.name === account &&
            o.doc.metadata.namespace === doc.metadata.namespace,
        ),
      ).toBe(true);
      if (tenant)
        expect(
          objects
            .filter(
              (o) =>
                o.doc.kind.endsWith('RoleBinding') &&
                o.doc.subjects?.some((x: { name: string; namespace?: string }) => x.name === account && x.namespace === doc.metadata.namespace),
            )
            .map((o) => `${o.doc.kind} ${o.doc.roleRef.name}`)
            .sort(),
        ).toEqual(['RoleBinding admin', `RoleBinding ck8s-tenant-monitoring-edit`]);
    }
  });

  it('runs every namespace restricted except the documented node agents, each saying why', () => {
    const namespaces = objects.filter((o) => o.doc.kind === 'Namespace').map((o) => o.doc);
    const below = namespaces.filter((ns) => ns.metadata.labels['pod-security.kubernetes.io/enforce'] !== 'restricted');
    // Falco (eBPF probe), Fluent Bit (reads /var/log), node-exporter (node metrics) and Velero's node
    // agent (reads pod volumes under /var/lib/kubelet/pods) need host access; nothing else does
    expect(below.map((ns) => ns.metadata.name).sort()).toEqual(['falco', 'logging', 'node-exporter', 'velero']);
    for (const ns of below) expect(ns.metadata.annotations['platform.ck8s.io/pod-security-exception']).toMatch(/host/);
    expect(namespaces.map((ns) => ns.metadata.name)).toEqual(expect.arrayContaining(['ingress-nginx', 'cert-manager', 'falco']));
  });

  it("sends Falco events to demo-sc's log store and Alertmanager", () => {
    const release = objects.find((o) => o.doc.kind === 'HelmRelease' && o.doc.metadata.name === 'falco')!.doc;
    expect(release.spec.values.falcosidekick.config.alertmanager.hostport).toBe('https://alertmanager.demo-sc.example.com');
    expect(release.spec.values.falcosidekick.config.elasticsearch.hostport).toBe('https://opensearch.demo-sc.example.com');
  });

  it('ships metrics and logs to demo-sc', () => {
    const release = (name: string) => objects.find((o) => o.doc.kind === 'HelmRelease' && o.doc.metadata.name === name)!.doc;
    if (cluster === 'demo-wc') {
      const prometheus = release('kube-prometheus-stack').spec.values.prometheus;
      expect(prometheus.agentMode).toBe(false);
      expect(prometheus.prometheusSpec.enforcedNamespaceLabel).toBe('namespace');
      expect(prometheus.prometheusSpec.remoteWrite[0].url).toBe('https://prometheus.demo-sc.example.com/api/v1/write');
    } else {
      expect(release('kube-prometheus-stack').spec.values.prometheus.prometheusSpec).toMatchObject({
        enableRemoteWriteReceiver: true,
        retention: '30d',
        retentionSize: '50GB',
      });
    }
    expect(JSON.stringify(release('fluent-bit').spec.values)).toContain('opensearch.demo-sc.example.com');
  });

  it('backs up daily and keeps 3 backups', () => {
    const schedule = objects.find((o) => o.doc.kind === 'Schedule')!.doc;
    expect(schedule.spec.schedule).toBe('CRON_TZ=Europe/Stockholm 30 1 * * *');
    expect(schedule.spec.template.ttl).toBe('70h0m0s');
  });

  it('commits Secrets only sops-encrypted', () => {
    const secrets = objects.filter((o) => o.doc.kind === 'Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const { doc } of secrets) {
      expect(doc.sops?.mac).toMatch(/^ENC\[AES256_GCM,/);
      for (const value of Object.values<string>(doc.data ?? {})) expect(value).toMatch(/^ENC\[AES256_GCM,/);
    }
  });
});
