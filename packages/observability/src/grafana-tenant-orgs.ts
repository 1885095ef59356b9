import { stringify } from 'yaml';
import { GRAFANA_MAIN_ORG_ID, type TenantOrganisation, tenantProxyUrl } from './tenant-metrics.js';

/** Where the chart's datasource sidecar and Grafana share provisioned data sources (an emptyDir of the pod). */
export const GRAFANA_DATASOURCES_DIR = '/etc/grafana/provisioning/datasources';

/** The file the start-up hook writes the tenants' data sources to, once their organisations exist. */
export const TENANT_DATASOURCES_FILE = `${GRAFANA_DATASOURCES_DIR}/tenant-metrics.yaml`;

/** Name and uid of the data source of each tenant organisation: the same in every one, so dashboards move between them. */
export const TENANT_DATASOURCE = { name: 'Metrics', uid: 'tenant-metrics' } as const;

/** One entry of Grafana's `org_mapping`: `<group>:<organisation id>:<role>`. */
export interface OrgMappingEntry {
  readonly group: string;
  readonly org: number;
  readonly role: 'Admin' | 'Editor' | 'Viewer';
}

/** Grafana splits `org_mapping` at spaces and commas and each entry at colons (a colon in a group is written `\:`). */
function mappingGroup(group: string, where: string): string {
  if (/[\s,]/.test(group)) throw new Error(`${where}: group "${group}" contains a space or a comma, which grafana's org_mapping cannot express`);
  return group.replaceAll(':', '\\:');
}

/**
 * Who is what in which organisation: operators Admins of the main organisation (every series),
 * auditors its Viewers, each tenant's admin groups Editors and view groups Viewers of the tenant's
 * organisation only. No tenant group is ever an Admin: an organisation's Admin could add a data
 * source that bypasses the proxy. Anyone else is refused (`role_attribute_strict`).
 */
export function grafanaOrgMapping(
  operatorGroups: readonly string[],
  auditorGroups: readonly string[],
  orgs: readonly TenantOrganisation[],
): OrgMappingEntry[] {
  const entries: OrgMappingEntry[] = [
    ...[...operatorGroups].sort().map((group) => ({ group, org: GRAFANA_MAIN_ORG_ID, role: 'Admin' as const })),
    ...[...auditorGroups].sort().map((group) => ({ group, org: GRAFANA_MAIN_ORG_ID, role: 'Viewer' as const })),
  ];
  for (const o of orgs) {
    entries.push(...[...o.tenant.adminGroups].sort().map((group) => ({ group, org: o.id, role: 'Editor' as const })));
    entries.push(...[...o.tenant.viewGroups].sort().map((group) => ({ group, org: o.id, role: 'Viewer' as const })));
  }
  return entries;
}

/** `org_mapping` as grafana.ini takes it. */
export function orgMappingSetting(entries: readonly OrgMappingEntry[]): string {
  return entries.map((e) => `${mappingGroup(e.group, `org ${e.org}`)}:${e.org}:${e.role}`).join(' ');
}

/** Grafana's provisioning file of the tenants' data sources: in each tenant's organisation, its proxy, read-only. */
export function tenantDatasources(orgs: readonly TenantOrganisation[]): string {
  return stringify({
    apiVersion: 1,
    datasources: orgs.map((o) => ({
      name: TENANT_DATASOURCE.name,
      uid: TENANT_DATASOURCE.uid,
      type: 'prometheus',
      access: 'proxy',
      orgId: o.id,
      url: tenantProxyUrl(o.tenant),
      isDefault: true,
      // provisioned data sources cannot be changed in the UI or the API, whatever the role
      editable: false,
      jsonData: { httpMethod: 'POST', prometheusType: 'Prometheus' },
    })),
  });
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The script Grafana's container runs after it starts (a postStart hook, with the admin account from
 * its environment): it creates the tenants' organisations with the numbers `org_mapping` uses, then
 * writes their data sources and has Grafana load them. Grafana cannot provision organisations, and
 * a data source file naming an organisation that does not exist yet stops Grafana at start, so the
 * file is written only once they do. A number taken by another organisation fails the hook, and the
 * kubelet restarts the container: never a tenant's data source in the wrong organisation.
 */
export function tenantOrganisationsScript(orgs: readonly TenantOrganisation[]): string {
  const lines = [
    'set -eu',
    'api=http://localhost:3000',
    'call() { curl -fsS -u "$GF_SECURITY_ADMIN_USER:$GF_SECURITY_ADMIN_PASSWORD" "$@"; }',
    'tries=0',
    'until curl -fsS -o /dev/null "$api/api/health"; do tries=$((tries + 1)); [ "$tries" -lt 300 ] || { echo "grafana did not start" >&2; exit 1; }; sleep 1; done',
    'org() {',
    '  if body=$(call "$api/api/orgs/$1"); then',
    '    case "$body" in *"\\"name\\":\\"$2\\""*) return 0 ;; esac',
    '    echo "grafana organisation $1 is not $2: $body" >&2; return 1',
    '  fi',
    '  body=$(call -H "Content-Type: application/json" -d "{\\"name\\":\\"$2\\"}" "$api/api/orgs")',
    '  case "$body" in *"\\"orgId\\":$1}"* | *"\\"orgId\\":$1,"*) return 0 ;; esac',
    '  echo "grafana organisation $2 was not created as number $1: $body" >&2; return 1',
    '}',
    ...orgs.map((o) => `org ${o.id} ${shellQuote(o.name)}`),
    `cat > ${TENANT_DATASOURCES_FILE}.tmp <<'EOF'`,
    tenantDatasources(orgs).trimEnd(),
    'EOF',
    `mv ${TENANT_DATASOURCES_FILE}.tmp ${TENANT_DATASOURCES_FILE}`,
    'call -X POST "$api/api/admin/provisioning/datasources/reload" > /dev/null',
  ];
  return `${lines.join('\n')}\n`;
}
