import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTool } from '@ck8s/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTestRepos, TestRepo } from '../../../test-support/git-history.js';
import { diffFleet, diffRenderedReleases, fleetOutputs, renderDiffMarkdown, renderDiffText } from '../src/index.js';

// The fixture chart is this project's own (test/fixtures/charts/fx-bump), packaged at two versions
// into a chart-mirror folder; the newer one adds a Service.
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const helm = findTool('helm', repoRoot);
const PASSWORDS = ['fixture-password-one', 'fixture-password-two'];

function output(version: string, password: string): string {
  const release = (name: string, chart: string, chartVersion: string, values: object): string =>
    [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata:',
      `  name: ${name}`,
      '  namespace: fx',
      'spec:',
      '  chart:',
      '    spec:',
      `      chart: ${chart}`,
      `      version: ${chartVersion}`,
      '      sourceRef:',
      '        kind: HelmRepository',
      '        name: fixtures',
      `  values: ${JSON.stringify(values)}`,
    ].join('\n');
  return [
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: HelmRepository',
    'metadata:',
    '  name: fixtures',
    '  namespace: fx',
    'spec:',
    '  url: https://charts.example.com',
    '---',
    release('fx-bump', 'fx-bump', version, { password }),
    '---',
    // identical at both sides, and in no mirror: rendering it would fail, so the diff must leave it alone
    release('fx-same', 'fx-absent', '1.0.0', {}),
    '',
  ].join('\n');
}

describe('rendered diff of a chart bump in a git repository', () => {
  let work: string;
  let mirror: string;
  let repo: TestRepo;
  let base: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'ck8s-rendered-diff-'));
    mirror = path.join(work, 'mirror');
    for (const version of ['1.0.0', '2.0.0'])
      execFileSync(helm, ['package', path.join(here, 'fixtures', 'charts', 'fx-bump'), '--version', version, '--destination', mirror]);
    repo = new TestRepo();
    repo.write({
      'clusters/fx/cluster.yaml': 'name: fx\n',
      'clusters/fx/controllers/fx-bump.yaml': output('1.0.0', PASSWORDS[0]!),
    });
    base = repo.commit('fx-bump 1.0.0', 'alice', '2024-01-01T10:00:00Z');
    // the working tree bumps the chart and changes a value that lands in a Secret
    repo.write({ 'clusters/fx/controllers/fx-bump.yaml': output('2.0.0', PASSWORDS[1]!) });
  });

  afterAll(() => {
    removeTestRepos();
    rmSync(work, { recursive: true, force: true });
  });

  async function rendered() {
    const outputs = await fleetOutputs({ root: repo.dir, base });
    return diffRenderedReleases({
      clusters: outputs.clusters.map((c) => ({ ...c, kubernetesVersion: '1.33.0' })),
      helm,
      mirror,
      cacheDir: path.join(work, 'cache'),
    });
  }

  it('shows exactly the rendered objects the bump changes, Secret keys without values, and leaves identical releases alone', async () => {
    const diff = await rendered();
    expect(diff).toMatchObject({ rendered: 1, identical: 1, placeholders: 0 });
    const releases = diff.clusters[0]!.releases;
    expect(releases.map((r) => [r.release, r.status, r.chartBefore, r.chartAfter])).toEqual([
      ['fx-bump', 'changed', 'fx-bump-1.0.0', 'fx-bump-2.0.0'],
      ['fx-same', 'unchanged', 'fx-absent-1.0.0', 'fx-absent-1.0.0'],
    ]);
    const bump = releases[0]!;
    expect(bump.error).toBeUndefined();
    expect(bump.objects.map((o) => [o.change, o.kind, o.namespace, o.name, o.fields])).toEqual([
      ['changed', 'ConfigMap', 'fx', 'fx-bump-settings', [{ path: 'data.version', change: 'changed', before: '1.0.0', after: '2.0.0' }]],
      ['changed', 'Secret', 'fx', 'fx-bump-credentials', [{ path: 'data.password', change: 'changed', redacted: true }]],
      ['added', 'Service', 'fx', 'fx-bump', []],
    ]);
  });

  it('prints the rendered changes in text and Markdown after the object diff, with no secret value', async () => {
    const diff = { ...(await diffFleet({ root: repo.dir, base })), rendered: await rendered() };
    const text = renderDiffText(diff);
    expect(text).toContain(
      'render: fx HelmRelease fx/fx-bump (fx-bump-1.0.0 → fx-bump-2.0.0): 1 added, 2 changed, 0 removed\n  ~ ConfigMap fx/fx-bump-settings (fx/fx-bump.yaml)\n      data.version: "1.0.0" → "2.0.0"\n',
    );
    expect(text).toContain('  + Service fx/fx-bump (fx/fx-bump.yaml)\n');
    expect(
      text.endsWith(
        'diff --render: 1 release(s) rendered, 1 identical at both sides not rendered; 3 rendered object(s) differ (1 added, 2 changed, 0 removed)\n',
      ),
    ).toBe(true);
    const markdown = renderDiffMarkdown(diff);
    expect(markdown).toContain('#### fx: `HelmRelease fx/fx-bump (fx-bump-1.0.0 → fx-bump-2.0.0)`: 1 added, 2 changed, 0 removed');
    expect(markdown).toContain('- ✏️ changed `Secret fx/fx-bump-credentials` in `fx/fx-bump.yaml`\n  - `data.password`: changed (value not shown)');
    // the values are plain in these HelmReleases (the platform keeps secrets in sops files); what helm rendered from them never shows
    const renderedParts = [
      text.slice(text.indexOf('\nrender:')),
      markdown.slice(markdown.indexOf('### ck8s diff --render')),
      JSON.stringify(diff.rendered),
    ];
    for (const out of renderedParts)
      for (const secret of [...PASSWORDS, ...PASSWORDS.map((p) => Buffer.from(p).toString('base64'))]) expect(out).not.toContain(secret);
  });

  it('names the side a chart bump cannot be rendered at, without pretending every object changed', async () => {
    rmSync(path.join(mirror, 'fx-bump-2.0.0.tgz'));
    try {
      const bump = (await rendered()).clusters[0]!.releases[0]!;
      expect(bump.objects).toEqual([]);
      expect(bump.error).toBe(
        `does not render at the working tree: chart fx-bump 2.0.0 is not in the chart mirror ${mirror}: expected fx-bump-2.0.0.tgz (found fx-bump-1.0.0.tgz)`,
      );
    } finally {
      execFileSync(helm, ['package', path.join(here, 'fixtures', 'charts', 'fx-bump'), '--version', '2.0.0', '--destination', mirror]);
    }
  });
});

// the same chart bump on a cluster Argo CD syncs: Helm-source Applications instead of HelmReleases
function argoOutput(version: string, password: string): string {
  const application = (name: string, chart: string, chartVersion: string, values: object): string =>
    [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata:',
      `  name: ${name}`,
      '  namespace: argocd',
      'spec:',
      '  project: ck8s-platform',
      '  destination: { server: https://kubernetes.default.svc, namespace: fx }',
      '  source:',
      '    repoURL: https://charts.example.com',
      `    chart: ${chart}`,
      `    targetRevision: ${chartVersion}`,
      '    helm:',
      `      releaseName: ${name}`,
      `      valuesObject: ${JSON.stringify(values)}`,
    ].join('\n');
  return [
    application('fx-bump', 'fx-bump', version, { password }),
    '---',
    // identical at both sides, and in no mirror: rendering it would fail, so the diff must leave it alone
    application('fx-same', 'fx-absent', '1.0.0', {}),
    '---',
    // an Application of a git folder installs no chart
    'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: tenants, namespace: argocd }\nspec: { source: { repoURL: https://git.example.com/fleet.git, path: clusters/fx/tenants } }',
    '',
  ].join('\n');
}

describe('rendered diff of a chart bump on a cluster Argo CD syncs', () => {
  let work: string;
  let mirror: string;
  let repo: TestRepo;
  let base: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'ck8s-rendered-diff-argo-'));
    mirror = path.join(work, 'mirror');
    for (const version of ['1.0.0', '2.0.0'])
      execFileSync(helm, ['package', path.join(here, 'fixtures', 'charts', 'fx-bump'), '--version', version, '--destination', mirror]);
    repo = new TestRepo();
    repo.write({ 'clusters/fx/cluster.yaml': 'name: fx\n', 'clusters/fx/controllers/fx-bump.yaml': argoOutput('1.0.0', PASSWORDS[0]!) });
    base = repo.commit('fx-bump 1.0.0', 'alice', '2024-01-01T10:00:00Z');
    repo.write({ 'clusters/fx/controllers/fx-bump.yaml': argoOutput('2.0.0', PASSWORDS[1]!) });
  });

  afterAll(() => {
    removeTestRepos();
    rmSync(work, { recursive: true, force: true });
  });

  const rendered = async () =>
    diffRenderedReleases({
      clusters: (await fleetOutputs({ root: repo.dir, base })).clusters.map((c) => ({ ...c, kubernetesVersion: '1.33.0' })),
      helm,
      mirror,
      cacheDir: path.join(work, 'cache'),
    });

  it("renders an Application's chart at both sides as a HelmRelease's, naming the Application", async () => {
    const diff = await rendered();
    expect(diff).toMatchObject({ rendered: 1, identical: 1, placeholders: 0 });
    const releases = diff.clusters[0]!.releases;
    expect(releases.map((r) => [r.application, r.namespace, r.release, r.status, r.chartBefore, r.chartAfter])).toEqual([
      ['argocd/fx-bump', 'fx', 'fx-bump', 'changed', 'fx-bump-1.0.0', 'fx-bump-2.0.0'],
      ['argocd/fx-same', 'fx', 'fx-same', 'unchanged', 'fx-absent-1.0.0', 'fx-absent-1.0.0'],
    ]);
    expect(releases[0]!.objects.map((o) => [o.change, o.kind, o.name])).toEqual([
      ['changed', 'ConfigMap', 'fx-bump-settings'],
      ['changed', 'Secret', 'fx-bump-credentials'],
      ['added', 'Service', 'fx-bump'],
    ]);
    const text = renderDiffText({ ...(await diffFleet({ root: repo.dir, base })), rendered: diff });
    expect(text).toContain(
      'render: fx Application argocd/fx-bump, release fx/fx-bump (fx-bump-1.0.0 → fx-bump-2.0.0): 1 added, 2 changed, 0 removed\n',
    );
    // what helm rendered from the (plain, in-git) values never shows
    for (const out of [text.slice(text.indexOf('\nrender:')), JSON.stringify(diff)])
      for (const secret of [...PASSWORDS, ...PASSWORDS.map((p) => Buffer.from(p).toString('base64'))]) expect(out).not.toContain(secret);
  });

  it('leaves a release alone that only moved from a HelmRelease to an Application (same chart, version and values)', async () => {
    repo.write({ 'clusters/fx/controllers/fx-bump.yaml': output('1.0.0', PASSWORDS[0]!) });
    const fluxBase = repo.commit('flux', 'alice', '2024-01-02T10:00:00Z');
    repo.write({ 'clusters/fx/controllers/fx-bump.yaml': argoOutput('1.0.0', PASSWORDS[0]!) });
    const outputs = await fleetOutputs({ root: repo.dir, base: fluxBase });
    const diff = await diffRenderedReleases({
      clusters: outputs.clusters.map((c) => ({ ...c, kubernetesVersion: '1.33.0' })),
      helm,
      mirror,
      cacheDir: path.join(work, 'cache'),
    });
    expect(diff).toMatchObject({ rendered: 0, identical: 2 });
  });
});
