import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ck8s, REPO_ROOT, snapshot } from './repo-fixture.js';

const SHOP = 'packages/migrate/test/fixtures/aks-shop';

describe('ck8s migrate scan', () => {
  it('writes the versioned JSON scan and the fix folder, and proves the fixes with kustomize and the policy evaluator', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ck8s-migrate-'));
    const inputs = snapshot(path.join(REPO_ROOT, SHOP));
    const result = await ck8s(REPO_ROOT, [
      'migrate',
      'scan',
      SHOP,
      '--cluster',
      'demo-wc',
      '--output',
      'json',
      '--out',
      out,
      '--fix',
      path.join(out, 'fix'),
    ]);
    expect(result.stderr).toContain(
      "migrate scan: 22 object(s), 15 cloud dependencies, 11 migration steps, 5 denied by demo-wc's admission, 5 API version finding(s)",
    );
    // the Ingress's fix is the host in the tenant's cluster.yaml entry, which the scan proposes and the test of @ck8s/migrate proves
    expect(result.stderr).toContain(
      `migrate scan: 4 patch(es) written to ${path.join(out, 'fix')}; with them 1 of 22 object(s) denied (Ingress shop/storefront: their fixes need the decisions the report lists)`,
    );
    expect(result.code).toBe(0);
    const scan = JSON.parse(readFileSync(path.join(out, 'migration-scan.json'), 'utf8'));
    expect(scan.version).toBe(1);
    expect(scan.target).toMatchObject({ cluster: 'demo-wc', kubernetesVersion: '1.36', allowedRegistries: ['registry.demo-sc.example.com'] });
    expect(scan.target.rules).toBeGreaterThan(20);
    expect(scan.inputs).toEqual([SHOP]);
    expect(scan.dependencies[0].evidence[0].file).toBe(`${SHOP}/catalog-api.yaml`);
    expect(existsSync(path.join(out, 'fix', 'kustomization.yaml'))).toBe(true);
    expect(snapshot(path.join(REPO_ROOT, SHOP))).toEqual(inputs);
    const written = [readFileSync(path.join(out, 'migration-scan.json'), 'utf8'), ...snapshot(path.join(out, 'fix')).values()].join('\n');
    expect(written).not.toContain('PLANTED');
  });

  it('prints the Markdown report by default, the same bytes every run', async () => {
    const first = await ck8s(REPO_ROOT, ['migrate', 'scan', SHOP, '--cluster', 'demo-wc']);
    const second = await ck8s(REPO_ROOT, ['migrate', 'scan', SHOP, '--cluster', 'demo-wc']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    for (const heading of [
      '## 1. Inventory',
      '## 2. Cloud dependencies',
      '## 3. Dependency matrix and migration order',
      '## 4. Admission pre-check against demo-wc',
      '## 5. API versions',
      '## 6. Ingress annotations',
      '## 7. Tenant stub',
    ]) {
      expect(first.stdout).toContain(heading);
    }
    expect(first.stdout).toContain('1. **service** Azure Cosmos DB shop-catalog → TiKV');
    expect(first.stdout).not.toContain('PLANTED');
  });

  it("writes one static HTML page with the fleet report's styles and no secret", async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ck8s-migrate-html-'));
    const result = await ck8s(REPO_ROOT, ['migrate', 'scan', SHOP, '--cluster', 'demo-wc', '--output', 'html', '--out', out]);
    expect(result.code).toBe(0);
    const page = readFileSync(path.join(out, 'migration-scan.html'), 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;');
    expect(page).toContain('.summary li {');
    expect(page).toContain('<h2>4. Admission pre-check against demo-wc</h2>');
    expect(page).not.toMatch(/<script|PLANTED/);
  });

  it('rejects an unknown format or cluster and a fix folder among the inputs, writing nothing', async () => {
    const format = await ck8s(REPO_ROOT, ['migrate', 'scan', SHOP, '--output', 'pdf']);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('--output "pdf" is not supported; allowed: md, json, html');
    const cluster = await ck8s(REPO_ROOT, ['migrate', 'scan', SHOP, '--cluster', 'nope']);
    expect(cluster.code).toBe(1);
    expect(cluster.stderr).toContain('unknown cluster "nope"; clusters: demo-sc, demo-wc');
    const inside = await ck8s(REPO_ROOT, ['migrate', 'scan', SHOP, '--cluster', 'demo-wc', '--fix', `${SHOP}/fix`]);
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain('the fix folder must be outside the inputs');
    expect(existsSync(path.join(REPO_ROOT, SHOP, 'fix'))).toBe(false);
  });
});
