import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VELERO_AWS_PLUGIN_IMAGE } from '@ck8s/backup';
import { parse } from 'yaml';
import { buildFlags, buildTools, selectedBinaries } from '../src/build-tools.js';
import { binaryPath, readVersions, repositoryRoot } from '../src/versions.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'ck8s-e2e-build-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pinned tools', () => {
  it('pins every component in the wrapper go.mod the same as in versions.json', async () => {
    // buildTools checks the pins before building anything; with `only` naming no binary it builds nothing
    await expect(buildTools({ only: [], log: () => undefined })).resolves.toEqual([]);
  });

  it('runs the Flux release charts/catalog.yaml pins, so the e2e tests what clusters install', () => {
    const root = repositoryRoot();
    const catalog = parse(readFileSync(path.join(root, 'charts/catalog.yaml'), 'utf8')) as { flux: { version: string } };
    expect(readVersions(root).flux).toBe(catalog.flux.version);
  });

  it('builds the backup suite (Velero, its AWS plugin, the S3 server) only when asked for', () => {
    const { components } = readVersions();
    for (const name of ['velero', 'velero-plugin-for-aws', 'versitygw'] as const) {
      expect(components[name].suite).toBe('backup');
      expect(selectedBinaries(components[name], {})).toEqual([]);
      expect(selectedBinaries(components[name], { suite: 'backup' })).toEqual([name]);
    }
    expect(selectedBinaries(components.kubernetes, { suite: 'backup' })).toEqual(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);
    expect(selectedBinaries(components.kubernetes, { only: ['etcd'] })).toEqual([]);
  });

  it('runs the AWS plugin release the clusters install', () => {
    expect(`velero/velero-plugin-for-aws:${readVersions().components['velero-plugin-for-aws'].version}`).toBe(VELERO_AWS_PLUGIN_IMAGE);
  });

  it('stamps the Velero release like its own build script', () => {
    const { components } = readVersions();
    const ldflags = buildFlags('velero', components.velero).find((f) => f.startsWith('-ldflags='));
    expect(ldflags).toContain(`-X github.com/vmware-tanzu/velero/pkg/buildinfo.Version=${components.velero.version}`);
  });

  it('keys each binary by name and version', () => {
    const root = repositoryRoot();
    expect(binaryPath(root, readVersions(root), 'kube-apiserver')).toBe(path.join(root, '.tools', 'e2e', 'kube-apiserver-v1.36.3'));
  });

  it('stamps the Kubernetes release into the binaries, and builds reproducibly', () => {
    const versions = readVersions();
    const flags = buildFlags('kubernetes', versions.components.kubernetes);
    expect(flags).toEqual(expect.arrayContaining(['-trimpath', '-buildvcs=false', '-mod=readonly']));
    expect(flags.find((f) => f.startsWith('-ldflags='))).toContain('-X k8s.io/component-base/version.gitVersion=v1.36.3');
    expect(buildFlags('etcd', versions.components.etcd).find((f) => f.startsWith('-ldflags='))).toBe('-ldflags=-s -w');
  });

  it('stamps the Argo CD release into its binary, and builds it with the Go toolchain its pin names', () => {
    const versions = readVersions();
    const argocd = versions.components.argocd;
    expect(buildFlags('argocd', argocd).find((f) => f.startsWith('-ldflags='))).toBe(
      '-ldflags=-s -w -X github.com/argoproj/argo-cd/v3/common.version=3.6.1 -X github.com/argoproj/argo-cd/v3/common.gitTag=v3.6.1 -X github.com/argoproj/argo-cd/v3/common.gitTreeState=clean',
    );
    // Argo CD v3.6's go.mod needs Go 1.27; the wrapper's toolchain line and the pin agree
    expect(argocd.go).toMatch(/^go1\.27\./);
    expect(readFileSync(path.join(repositoryRoot(), 'e2e-tools', argocd.wrapper, 'go.mod'), 'utf8')).toContain(`toolchain ${argocd.go}\n`);
  });

  it('fails when versions.json and a wrapper go.mod disagree', async () => {
    const root = path.join(scratch, 'repo');
    const versions = readVersions();
    mkdirSync(path.join(root, 'e2e-tools', 'kubernetes'), { recursive: true });
    writeFileSync(path.join(root, 'e2e-tools', 'versions.json'), JSON.stringify(versions));
    writeFileSync(path.join(root, 'e2e-tools', 'kubernetes', 'go.mod'), 'module x\n\ngo 1.24.0\n\nrequire k8s.io/kubernetes v1.36.2\n');
    await expect(buildTools({ root, log: () => undefined })).rejects.toThrow(
      /kubernetes: versions.json pins k8s.io\/kubernetes v1.36.3 but .* requires v1.36.2/,
    );
  });
});
