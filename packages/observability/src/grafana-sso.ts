import {
  type ContainerResources,
  oidcClientSecretId,
  type RequiredSecret,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import { grafanaOrgMapping, orgMappingSetting, tenantOrganisationsScript } from './grafana-tenant-orgs.js';
import type { GrafanaValues } from './kube-prometheus-stack-values.js';
import { DASHBOARD_LABEL, MONITORING_NAMESPACE } from './monitoring-names.js';
import { type MetricsTenant, tenantOrganisations } from './tenant-metrics.js';

/** Client id of Grafana at the identity provider; the identity provider must register it with the redirect below. */
export const GRAFANA_OIDC_CLIENT_ID = 'grafana';

/** Path of Grafana's OAuth callback, appended to its public URL. */
export const GRAFANA_OIDC_REDIRECT_PATH = '/login/generic_oauth';

/** sops Secret with Grafana's client secret at the identity provider. */
export const GRAFANA_OIDC_SECRET = { name: 'grafana-oidc', key: 'client-secret' } as const;

/** sops Secret with Grafana's local admin account, the break-glass login when the identity provider is down. */
export const GRAFANA_ADMIN_SECRET = { name: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } as const;

/**
 * The JMESPath Grafana evaluates on the identity token for a role of its own: Admin for members of a
 * platform operator group, none for everyone else (their organisations and roles come from
 * `org_mapping` alone; whoever it maps nowhere is refused).
 */
export function grafanaRoleAttributePath(operatorGroups: readonly string[]): string {
  if (operatorGroups.length === 0) return "''";
  // in a JMESPath raw string literal only the quote is escaped (go-jmespath, which Grafana uses)
  const checks = [...operatorGroups].sort().map((g) => `contains(groups[*], '${g.replaceAll("'", "\\'")}')`);
  return `(${checks.join(' || ')}) && 'Admin' || ''`;
}

export interface GrafanaSetupProps {
  /** Grafana's public URL, e.g. `https://grafana.<domain>`. */
  readonly url: string;
  /** The OIDC issuer people sign in at. */
  readonly issuer: string;
  /** Identity-provider groups of the platform operators: Admins of the main organisation (every series). */
  readonly operatorGroups: readonly string[];
  /** Identity-provider groups of the auditors: Viewers of the main organisation. @default none */
  readonly auditorGroups?: readonly string[];
  /** Tenants of the workload clusters reporting here: one organisation each, whose data source sees only their series. @default none */
  readonly tenants?: readonly MetricsTenant[];
}

export interface GrafanaSetup {
  readonly values: Extract<GrafanaValues, { enabled: true }>;
  readonly requiredSecrets: readonly RequiredSecret[];
}

/**
 * Grafana with single sign-on through the service cluster's identity provider (generic OAuth with
 * PKCE, client `grafana`), roles from the `groups` claim, the client secret and the admin account
 * from sops Secrets (never in the values), and the dashboard sidecar watching every namespace.
 */
/** Requests and memory limits of Grafana's containers. */
export interface GrafanaResources {
  readonly grafana: ContainerResources;
  /** The dashboard and datasource sidecars (one size for both, as the chart takes it). */
  readonly sidecars: ContainerResources;
}

export function grafanaSetup(props: GrafanaSetupProps, resources: GrafanaResources): GrafanaSetup {
  const issuer = props.issuer;
  const orgs = tenantOrganisations(props.tenants ?? []);
  const mapping = grafanaOrgMapping(props.operatorGroups, props.auditorGroups ?? [], orgs);
  const values: GrafanaSetup['values'] = {
    enabled: true,
    admin: { existingSecret: GRAFANA_ADMIN_SECRET.name, userKey: GRAFANA_ADMIN_SECRET.userKey, passwordKey: GRAFANA_ADMIN_SECRET.passwordKey },
    // Grafana reads GF_<SECTION>_<KEY> over grafana.ini, so the client secret stays in its Secret
    envValueFrom: { GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: GRAFANA_OIDC_SECRET.name, key: GRAFANA_OIDC_SECRET.key } } },
    'grafana.ini': {
      server: { root_url: props.url },
      'auth.generic_oauth': {
        enabled: true,
        name: 'Single sign-on',
        client_id: GRAFANA_OIDC_CLIENT_ID,
        scopes: 'openid profile email groups',
        auth_url: `${issuer}/auth`,
        token_url: `${issuer}/token`,
        api_url: `${issuer}/userinfo`,
        use_pkce: true,
        allow_sign_up: true,
        email_attribute_path: 'email',
        groups_attribute_path: 'groups',
        role_attribute_path: grafanaRoleAttributePath(props.operatorGroups),
        // organisations and roles from the groups: operators and auditors in the main organisation,
        // each tenant's groups in the tenant's own (numbers, see tenantOrganisations)
        org_attribute_path: 'groups',
        ...(mapping.length > 0 ? { org_mapping: orgMappingSetting(mapping) } : {}),
        // whoever no group maps anywhere is refused, rather than made a Viewer of the main organisation
        role_attribute_strict: true,
      },
      // the namespace denies egress to the internet: no update checks or usage reports
      analytics: { check_for_updates: false, check_for_plugin_updates: false, reporting_enabled: false },
    },
    sidecar: {
      // the chart's own dashboards get a cluster variable too: this Grafana sees every cluster
      dashboards: {
        enabled: true,
        label: DASHBOARD_LABEL.key,
        labelValue: DASHBOARD_LABEL.value,
        searchNamespace: 'ALL',
        multicluster: { global: { enabled: true } },
      },
      securityContext: restrictedContainerSecurityContext(),
      resources: resources.sidecars,
    },
    securityContext: restrictedPodSecurityContext({ runAsUser: 472, runAsGroup: 472, fsGroup: 472 }),
    // Grafana writes plugins, sessions and its database below /var/lib/grafana and /tmp
    containerSecurityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: false }),
    // the chown init container runs as root; without persistence there is nothing to chown
    initChownData: { enabled: false },
    ...(orgs.length > 0 ? { lifecycleHooks: { postStart: { exec: { command: ['/bin/bash', '-c', tenantOrganisationsScript(orgs)] } } } } : {}),
    testFramework: { enabled: false },
    resources: resources.grafana,
  };
  const requiredSecrets: RequiredSecret[] = [
    {
      namespace: MONITORING_NAMESPACE,
      name: GRAFANA_OIDC_SECRET.name,
      keys: [GRAFANA_OIDC_SECRET.key],
      purpose: `Grafana's client secret at the identity provider (client id ${GRAFANA_OIDC_CLIENT_ID})`,
      generate: (context) => ({ [GRAFANA_OIDC_SECRET.key]: context.shared(oidcClientSecretId(GRAFANA_OIDC_CLIENT_ID)) }),
    },
    {
      namespace: MONITORING_NAMESPACE,
      name: GRAFANA_ADMIN_SECRET.name,
      keys: [GRAFANA_ADMIN_SECRET.userKey, GRAFANA_ADMIN_SECRET.passwordKey],
      purpose: "Grafana's local admin account (break-glass login)",
      generate: (context) => ({ [GRAFANA_ADMIN_SECRET.userKey]: 'admin', [GRAFANA_ADMIN_SECRET.passwordKey]: context.password() }),
    },
  ];
  return { values, requiredSecrets };
}
