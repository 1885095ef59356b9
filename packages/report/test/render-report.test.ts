import { describe, expect, it } from 'vitest';
import { renderReport } from '../src/index.js';
import { EXCEPTION_REASON, HOSTILE, sampleModel } from './sample-model.js';

describe('renderReport', () => {
  const page = renderReport(sampleModel());

  it('has a section for the fleet, validation, every cluster and the recent changes', () => {
    for (const heading of ['Clusters', 'Validation', 'Cluster demo-wc', 'Cluster demo-sc', 'Recent changes'])
      expect(page).toMatch(new RegExp(`<h2 id="[a-z0-9-]+">${heading}</h2>`));
    for (const heading of ['Components', 'Controls', 'Policy exceptions', 'Secrets']) expect(page).toContain(`<h3>${heading}</h3>`);
  });

  it('shows cluster settings, chart versions, control status with evidence, exceptions and commits', () => {
    expect(page).toContain('<dt>Kubernetes version</dt><dd>1.33</dd>');
    expect(page).toContain('<dt>Customer</dt><dd>Example &lt;Health&gt; &amp; Co</dd>');
    expect(page).toContain('<strong>falco</strong> <code>4.21.2</code>');
    expect(page).toContain('catalog pins v1.17.2');
    expect(page).toMatch(
      /<tr id="demo-wc-ck8s-rbac-001" class="fail"><td><code class="nowrap">CK8S-RBAC-001<\/code><\/td><td><span class="status status-fail">fail<\/span>/,
    );
    expect(page).toContain('<li>clusters/demo-wc/tenants/team-a.yaml: NetworkPolicy team-a/default-deny</li>');
    expect(page).toContain(`<td>${EXCEPTION_REASON}</td>`);
    expect(page).toContain('<code title="0123456789abcdef0123456789abcdef01234567">0123456789ab</code>');
    expect(page).toContain('From commit <code>0123456789abcdef0123456789abcdef01234567</code> of 2026-11-22T10:11:14+00:00.');
    expect(page).toContain('<strong>3/4</strong> controls passed');
  });

  it('escapes every value from the repository', () => {
    expect(page).not.toContain('<script');
    expect(page).toContain('reason with markup &lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
    expect(page).toContain('image-tag exception &lt;until 2.x&gt;');
    expect(page).not.toContain(HOSTILE);
  });

  it('is self-contained: inline styles only, links stay on the page, a policy forbids anything else', () => {
    expect(page).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;">`,
    );
    expect(page).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(page).not.toMatch(/\bsrc=|@import|url\(/i);
    for (const [, href] of page.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^#[a-z0-9-]+$/);
  });

  it('is deterministic: the same model gives the same bytes', () => {
    expect(renderReport(structuredClone(sampleModel()))).toBe(page);
  });

  it('says so when there are no problems and no history', () => {
    const model = sampleModel();
    const { revision: _, ...rest } = model;
    const quiet = renderReport({
      ...rest,
      problems: [],
      changes: { paths: ['clusters/'], limit: 20, commits: [], unavailable: 'the repository folder is not a git repository' },
    });
    expect(quiet).toContain('No history: the repository folder is not a git repository.');
    expect(quiet).toContain('Not made from a git commit.');
    expect(quiet).toContain('No problems: every object matches its schema');
  });

  it('shows a control whose rule only warns or audits as weakened, with the reason, and never counts it as passed', () => {
    const model = sampleModel();
    const weakened = { policy: 'ck8s-image-tag', enforcement: 'warn', reason: `images move to the registry <PLAT-9>` };
    const wc = model.clusters[0]!;
    const controls = wc.controls.map((c) =>
      c.id === 'CK8S-RBAC-001'
        ? { ...c, status: 'pass' as const, findings: [] }
        : c.id === 'CK8S-ADM-002'
          ? { ...c, status: 'weakened' as const, weakened: [weakened] }
          : c,
    );
    const out = renderReport({ ...model, problems: [], clusters: [{ ...wc, controls }, ...model.clusters.slice(1)] });
    expect(out).toMatch(
      /<tr id="demo-wc-ck8s-adm-002" class="weakened"><td><code class="nowrap">CK8S-ADM-002<\/code><\/td><td><span class="status status-weakened">weakened<\/span>/,
    );
    expect(out).toContain(
      '<strong>Not denied</strong><ul><li>ck8s-image-tag: only warns, because images move to the registry &lt;PLAT-9&gt;</li></ul>',
    );
    expect(out).toContain('<strong>3/4</strong> controls passed</li>\n<li><strong>1</strong> weakened (a rule only warns or audits)</li>');
    expect(out).toContain('<dt>Controls</dt><dd>2/3 passed, 1 weakened</dd>');
    expect(out).toContain(
      '<p class="notice warn">Weakened controls (a rule behind them only warns or audits): <a href="#demo-wc-ck8s-adm-002">demo-wc CK8S-ADM-002</a></p>',
    );
    expect(out).toContain('<td><span class="status status-weakened">2/3</span></td>');
  });

  it('matches the reviewed page', async () => {
    await expect(page).toMatchFileSnapshot('__snapshots__/sample-report.html');
  });
});
