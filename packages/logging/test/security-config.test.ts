import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { securityConfig, type LogTenant } from '../src/index.js';

interface IndexPermission {
  index_patterns: string[];
  dls?: string;
  allowed_actions: string[];
}
interface Role {
  index_permissions?: IndexPermission[];
}
interface Mapping {
  backend_roles?: string[];
}
interface LogDocument {
  index: string;
  cluster: string;
  namespace?: string;
}

const tenants: LogTenant[] = [
  { cluster: 'demo-wc', namespace: 'team-a', groups: ['team-a-admins', 'team-a-developers'] },
  { cluster: 'demo-wc', namespace: 'team-b', groups: ['team-b-admins'] },
  // another workload cluster whose name starts with the first's, and has a namespace team-a of another tenant
  { cluster: 'demo-wc-2', namespace: 'team-a', groups: ['other-team-a'] },
];

const props = {
  issuer: 'https://dex.sc.example.com',
  claims: { username: 'email', groups: 'groups' },
  operatorGroups: ['platform-operators'],
  readerGroups: ['log-readers'],
  auditorGroups: ['auditors'],
  tenants,
};
const files = securityConfig(props);
const roles = parse(files['roles.yml']) as Record<string, Role>;
const mappings = parse(files['roles_mapping.yml']) as Record<string, Mapping>;

/** OpenSearch's index pattern: `*` matches any run of characters. */
function matches(pattern: string, index: string): boolean {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
      .join('.*')}$`,
  ).test(index);
}

/** The subset of the query DSL the generated DLS uses: bool.filter of term queries on the `.keyword` fields. */
function dlsMatches(dls: string, doc: LogDocument): boolean {
  const query = JSON.parse(dls) as { bool: { filter: { term: Record<string, string> }[] } };
  const fields: Record<string, string | undefined> = { 'cluster.keyword': doc.cluster, 'kubernetes.namespace_name.keyword': doc.namespace };
  return query.bool.filter.every((f) => Object.entries(f.term).every(([field, value]) => field in fields && fields[field] === value));
}

/**
 * Whether a person with these identity-provider groups can read the document, as the security
 * plugin decides: the roles mapped to any of the groups, all_access reading everything, and a role
 * reading an index it names with `read`, limited to the documents its DLS query matches.
 */
function canRead(groups: string[], doc: LogDocument): boolean {
  const mine = Object.entries(mappings)
    .filter(([name, m]) => name !== '_meta' && (m.backend_roles ?? []).some((g) => groups.includes(g)))
    .map(([name]) => name);
  if (mine.includes('all_access')) return true;
  return mine.some((name) =>
    (roles[name]?.index_permissions ?? []).some(
      (p) =>
        p.allowed_actions.includes('read') &&
        p.index_patterns.some((pattern) => matches(pattern, doc.index)) &&
        (p.dls === undefined || dlsMatches(p.dls, doc)),
    ),
  );
}

describe('log access with two tenants (team-a, team-b) in demo-wc', () => {
  const app = (cluster: string, namespace: string): LogDocument => ({ index: `app-${cluster}-2026.11.27`, cluster, namespace });
  const audit: LogDocument = { index: 'audit-demo-wc-2026.11.27', cluster: 'demo-wc' };
  const falco: LogDocument = { index: 'falco-2026.11.27', cluster: 'demo-wc', namespace: 'team-a' };

  it("lets each tenant's groups read their own namespace's application logs of their own cluster, and nothing else", () => {
    for (const group of ['team-a-admins', 'team-a-developers']) {
      expect(canRead([group], app('demo-wc', 'team-a')), group).toBe(true);
      expect(canRead([group], app('demo-wc', 'team-b')), group).toBe(false);
      expect(canRead([group], app('demo-wc', 'monitoring')), group).toBe(false);
      expect(canRead([group], app('demo-wc-2', 'team-a')), `${group} in demo-wc-2`).toBe(false);
      expect(canRead([group], audit), group).toBe(false);
      expect(canRead([group], falco), group).toBe(false);
    }
    expect(canRead(['team-b-admins'], app('demo-wc', 'team-b'))).toBe(true);
    expect(canRead(['team-b-admins'], app('demo-wc', 'team-a'))).toBe(false);
    expect(canRead(['other-team-a'], app('demo-wc-2', 'team-a'))).toBe(true);
    expect(canRead(['other-team-a'], app('demo-wc', 'team-a'))).toBe(false);
  });

  it('keeps audit logs and Falco events to the operators and the auditor groups', () => {
    expect(canRead(['auditors'], audit)).toBe(true);
    expect(canRead(['auditors'], falco)).toBe(true);
    expect(canRead(['auditors'], app('demo-wc', 'team-a'))).toBe(false);
    expect(canRead(['log-readers'], audit)).toBe(false);
    expect(canRead(['log-readers'], falco)).toBe(false);
    expect(canRead(['log-readers'], app('demo-wc', 'team-b'))).toBe(true);
    expect(canRead(['platform-operators'], audit)).toBe(true);
    expect(canRead(['somebody-else'], app('demo-wc', 'team-a'))).toBe(false);
  });

  it('writes one role per tenant, named by cluster and namespace, in a stable order, and lets its groups use Dashboards', () => {
    expect(Object.keys(roles).filter((r) => r.startsWith('tenant_'))).toEqual([
      'tenant_demo-wc-2_team-a',
      'tenant_demo-wc_team-a',
      'tenant_demo-wc_team-b',
    ]);
    expect(roles['tenant_demo-wc_team-a']!.index_permissions).toEqual([
      {
        index_patterns: ['app-demo-wc-*'],
        dls: '{"bool":{"filter":[{"term":{"cluster.keyword":"demo-wc"}},{"term":{"kubernetes.namespace_name.keyword":"team-a"}}]}}',
        allowed_actions: ['read', 'indices:admin/mappings/get', 'indices:admin/resolve/index'],
      },
    ]);
    expect(mappings['tenant_demo-wc_team-a']!.backend_roles).toEqual(['team-a-admins', 'team-a-developers']);
    expect(mappings['kibana_user']!.backend_roles).toEqual(
      expect.arrayContaining(['team-a-admins', 'team-a-developers', 'team-b-admins', 'auditors', 'log-readers', 'platform-operators']),
    );
    const reversed = securityConfig({ ...props, tenants: [...tenants].reverse() });
    expect(reversed).toEqual(files);
  });
});
