import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { applyPoliciesScript, LogStore } from '../src/index.js';
import { connect, testApp } from '../../../test-support/connect.js';
import { find, type K8sObject } from '../../../test-support/manifests.js';
import { catalog, SC_HOSTS, SC_ISSUER } from './fixtures.js';

/** What the log store sends to OpenSearch 3.x and its chart 3.6.0 (see README, "OpenSearch 3.x"). */
function render() {
  const app = testApp();
  const component = new LogStore(app, 'opensearch', { catalog, hosts: SC_HOSTS, issuer: SC_ISSUER, operatorGroups: ['platform-operators'] });
  connect(app, {});
  const objects: K8sObject[] = component.toJson();
  return { opensearch: find(objects, 'HelmRelease', 'opensearch'), dashboards: find(objects, 'HelmRelease', 'opensearch-dashboards') };
}

describe('OpenSearch 3.x', () => {
  const out = render();

  it("keeps the Kubernetes API token out of Dashboards' pods (serviceAccount.automountServiceAccountToken, chart 3.6.0)", () => {
    expect(out.dashboards.spec.values.serviceAccount).toEqual({ create: true, automountServiceAccountToken: false });
  });

  it('calls only the REST paths OpenSearch 3.x serves: _plugins/_ism and _plugins/_sm, never the legacy _opendistro ones', () => {
    const script = applyPoliciesScript({ host: 'opensearch', port: 9200, caFile: '/ca.crt', snapshots: true });
    const paths = [...script.matchAll(/"\$url\/([^"?$]+)|apply_versioned (?:PUT|POST) (\S+)/g)].map((m) =>
      (m[1] ?? m[2])!.split('/').slice(0, 2).join('/'),
    );
    expect([...new Set(paths)].sort()).toEqual(['_index_template/ck8s-logs', '_plugins/_ism', '_plugins/_sm', '_snapshot/ck8s-logs']);
    expect(script).not.toMatch(/_opendistro/);
    // ISM creates and updates with PUT, SM creates with POST and updates with PUT, both with optimistic concurrency
    expect(script).toMatch(/apply_versioned PUT _plugins\/_ism\/policies\/ck8s-retention /);
    expect(script).toMatch(/apply_versioned POST _plugins\/_sm\/policies\/ck8s-daily-snapshot /);
    expect(script).toMatch(/-X PUT "\$url\/\$path\?if_seq_no=\$seq&if_primary_term=\$term"/);
  });

  it('sets no setting the 3.x security plugin removed (whitelist) and keeps config_version 2', () => {
    const yml = parse(out.opensearch.spec.values.config['opensearch.yml']) as Record<string, unknown>;
    const data = out.opensearch.spec.values.securityConfig.config.data as Record<string, string>;
    const dashboardsYml = out.dashboards.spec.values.config['opensearch_dashboards.yml'] as string;
    for (const text of [JSON.stringify(yml), ...Object.values(data), dashboardsYml])
      expect(text).not.toMatch(/whitelist|blacklist|_master|\bmaster_/i);
    for (const file of Object.values(data)) expect((parse(file) as { _meta: unknown })._meta).toMatchObject({ config_version: 2 });
    expect(dashboardsYml).toMatch(/opensearch\.requestHeadersAllowlist/);
  });
});
