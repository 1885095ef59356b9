import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findTool, readTree } from '@ck8s/core';
import { evaluateManifests } from '@ck8s/policy';
import { describe, expect, it } from 'vitest';
import { admissionPrecheck, fixFiles, scanMigration, verifyFixes, writeFixFolder } from '../src/index.js';
import { inputObjects } from '../src/input-objects.js';
import { demoTarget, demoTargetWithTenants, plantedSecrets, REPO_ROOT, SHOP, shopDocuments } from './aks-shop.js';

const target = demoTarget();
const { scan, patches } = scanMigration(shopDocuments(), target, [SHOP]);
const shopFiles = readdirSync(SHOP)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => path.join(SHOP, f));

function hashes(files: readonly string[]): string[] {
  return files.map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'));
}

function evaluate(documents: readonly { file: string; object: unknown }[]) {
  return evaluateManifests(target.admission.rules, documents, {
    exceptions: target.admission.exceptions,
    ...(target.admission.namespaces ? { namespaces: target.admission.namespaces } : {}),
  });
}

describe('--fix: kustomize patches for the admission denials', () => {
  it('gives output that policy eval admits when kustomize (the pinned binary) builds the inputs with it and the tenant stub is in cluster.yaml, and leaves the inputs alone', () => {
    const before = evaluate(shopDocuments()).filter((r) => !r.allowed);
    expect(before.map((r) => `${r.kind} ${r.name}`)).toEqual([
      'Deployment catalog-api',
      'Service catalog-api-internal',
      'Deployment orders-consumer',
      'Deployment storefront',
      'Ingress storefront',
    ]);

    const inputHashes = hashes(shopFiles);
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ck8s-migrate-fix-test-')), 'fix');
    writeFixFolder(dir, fixFiles(patches, 'demo-wc'), [SHOP]);
    const kustomize = findTool('kustomize', REPO_ROOT);
    // without the tenant's hosts in cluster.yaml only the Ingress is left, the fix that is no patch
    expect(
      verifyFixes(kustomize, shopFiles, dir, target.admission)
        .results.filter((r) => !r.allowed)
        .map((r) => `${r.kind} ${r.name}`),
    ).toEqual(['Ingress storefront']);
    const { objects: patched, results: after } = verifyFixes(kustomize, shopFiles, dir, demoTargetWithTenants(scan.tenantStub).admission);

    expect(after.length).toBe(shopDocuments().length);
    expect(after.filter((r) => !r.allowed).map((r) => ({ object: `${r.kind} ${r.name}`, violations: r.violations }))).toEqual([]);
    expect(hashes(shopFiles)).toEqual(inputHashes);

    const storefront = patched.map((d) => d.object as any).find((o) => o.kind === 'Deployment' && o.metadata.name === 'storefront');
    const pod = storefront.spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers.map((c: any) => [c.name, c.image, c.securityContext, c.resources])).toEqual([
      [
        'web',
        'registry.demo-sc.example.com/shop/storefront:2.3.1',
        { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      ],
      [
        'log-shipper',
        'registry.demo-sc.example.com/shop/log-shipper:0.9.1',
        { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsUser: 10001 },
        { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      ],
    ]);
    // what the fixes do not touch stays: env, volumes, node selector (a dependency finding, not an admission one)
    expect(pod.containers[0].env.map((e: any) => e.name)).toEqual(['CATALOG_API_URL', 'APPLICATIONINSIGHTS_CONNECTION_STRING', 'REDIS_CONNECTION']);
    const service = patched.map((d) => d.object as any).find((o) => o.kind === 'Service' && o.metadata.name === 'catalog-api-internal');
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'catalog-api' },
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    });
  });

  it('writes a kustomize Component with one patch per denied object and no secret', () => {
    const files = fixFiles(patches, 'demo-wc');
    expect([...files.keys()].sort()).toEqual([
      'kustomization.yaml',
      'patches/deployment-shop-catalog-api.yaml',
      'patches/deployment-shop-orders-consumer.yaml',
      'patches/deployment-shop-storefront.yaml',
      'patches/service-shop-catalog-api-internal.yaml',
    ]);
    expect(files.get('kustomization.yaml')).toMatch(/^# Written by `ck8s migrate scan --fix`[\s\S]*kind: Component\n/);
    const all = [...files.values()].join('\n');
    for (const secret of plantedSecrets()) expect(all.includes(secret), secret).toBe(false);
    expect(fixFiles(patches, 'demo-wc')).toEqual(files);
  });

  it('refuses a fix folder inside the inputs or one it did not write', () => {
    expect(() => writeFixFolder(path.join(SHOP, 'fix'), new Map(), [SHOP])).toThrow(/must be outside the inputs/);
    const foreign = mkdtempSync(path.join(tmpdir(), 'ck8s-migrate-foreign-'));
    writeFileSync(path.join(foreign, 'notes.txt'), 'mine\n');
    expect(() => writeFixFolder(foreign, new Map([['kustomization.yaml', 'x']]), [SHOP])).toThrow(
      /not empty and was not written by ck8s migrate scan/,
    );
    expect(readFileSync(path.join(foreign, 'notes.txt'), 'utf8')).toBe('mine\n');
    const ours = path.join(mkdtempSync(path.join(tmpdir(), 'ck8s-migrate-ours-')), 'fix');
    writeFixFolder(ours, fixFiles(patches, 'demo-wc'), [SHOP]);
    writeFixFolder(ours, fixFiles(patches.slice(0, 1), 'demo-wc'), [SHOP]);
    expect([...readTree(ours, { keep: [] }).keys()].sort()).toEqual(['kustomization.yaml', `patches/${patches[0]!.file}`]);
  });

  it('says which fixes need a decision and patches nothing for them', () => {
    const documents = [
      {
        file: 'job.yaml',
        object: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'report', namespace: 'default' },
          spec: {
            template: {
              spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: 'registry.demo-sc.example.com/shop/report:latest' }] },
            },
          },
        },
      },
      {
        file: 'hostpath.yaml',
        object: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'agent', namespace: 'shop' },
          spec: {
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'agent',
                image: 'registry.demo-sc.example.com/shop/agent:1.0.0',
                resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '16Mi' } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              },
            ],
            volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }],
          },
        },
      },
    ];
    mkdirSync(tmpdir(), { recursive: true });
    const { findings, patches: made } = admissionPrecheck(inputObjects(documents), target.admission);
    const fixes = Object.fromEntries(findings.flatMap((f) => f.fixes.map((x) => [`${f.name} ${x.policy}`, x.automatic])));
    expect(fixes).toEqual({
      'report ck8s-no-default-namespace': false,
      'agent ck8s-pss-host-path-volumes': false,
      'agent ck8s-pss-restricted-volumes': false,
    });
    expect(made).toEqual([]);
  });
});
