import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { loadManifests } from '@ck8s/policy';
import { renderMigrationMarkdown, scanMigration } from '../src/index.js';
import { demoTarget, REPO_ROOT } from './aks-shop.js';

const WEB = path.join(REPO_ROOT, 'packages/migrate/test/fixtures/ingress-nginx');
const documents = loadManifests([WEB]).map((d) => ({ ...d, file: path.relative(REPO_ROOT, d.file) }));
const { scan } = scanMigration(documents, demoTarget(), [path.relative(REPO_ROOT, WEB)]);

describe('migrate scan of an Ingress written for ingress-nginx', () => {
  it('flags every nginx.ingress.kubernetes.io annotation with its nginx.org equivalent where one exists', () => {
    expect(scan.ingressAnnotations.map((f) => [f.annotation, f.replacement])).toEqual([
      ['nginx.ingress.kubernetes.io/backend-protocol', 'nginx.org/ssl-services'],
      ['nginx.ingress.kubernetes.io/configuration-snippet', null],
      ['nginx.ingress.kubernetes.io/cors-allow-origin', null],
      ['nginx.ingress.kubernetes.io/proxy-body-size', 'nginx.org/client-max-body-size'],
      ['nginx.ingress.kubernetes.io/proxy-read-timeout', 'nginx.org/proxy-read-timeout'],
      ['nginx.ingress.kubernetes.io/x-forwarded-prefix', null],
    ]);
    expect(new Set(scan.ingressAnnotations.map((f) => f.object))).toEqual(new Set(['Ingress shop/web']));
    const detail = Object.fromEntries(scan.ingressAnnotations.map((f) => [f.annotation.split('/')[1], f.detail]));
    expect(detail['proxy-read-timeout']).toBe('add the unit: 60 becomes 60s');
    expect(detail['configuration-snippet']).toMatch(/ingress-snippets rule refuses them/);
    expect(detail['x-forwarded-prefix']).toMatch(/^no known nginx.org equivalent/);
  });

  it('denies the snippet at admission, as the target cluster would', () => {
    const web = scan.admission.find((a) => a.object === 'Ingress shop/web')!;
    expect(web.violations.map((v) => v.policy)).toContain('ck8s-ingress-snippets');
    expect(web.violations.find((v) => v.policy === 'ck8s-ingress-snippets')!.message).toBe(
      'nginx configuration snippets are not allowed on a tenant Ingress (rule ingress-snippets): nginx.ingress.kubernetes.io/configuration-snippet; use the nginx.org/* annotations that set what you need, or ask the platform team',
    );
  });

  it('lists them in the report without their values', () => {
    const markdown = renderMigrationMarkdown(scan);
    expect(markdown).toContain("## 6. Ingress annotations for demo-wc's NGINX Ingress Controller");
    expect(markdown).toContain(
      '| Ingress shop/web (packages/migrate/test/fixtures/ingress-nginx/web.yaml) | nginx.ingress.kubernetes.io/proxy-body-size | nginx.org/client-max-body-size |',
    );
    expect(markdown).not.toContain('X-Frame-Options');
  });
});
