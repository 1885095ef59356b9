import type { OidcSettings } from './oidc-settings.js';

/** Where the audit policy and log live on control-plane nodes. */
export const AUDIT_PATHS = {
  policyDir: '/etc/kubernetes/audit',
  policyFile: '/etc/kubernetes/audit/policy.yaml',
  logDir: '/var/log/kubernetes/audit',
  logFile: '/var/log/kubernetes/audit/audit.log',
} as const;

/**
 * Admission plugins the platform turns on beyond the API server's defaults.
 * DenyServiceExternalIPs: a Service's externalIPs let whoever may create Services intercept
 * traffic to any address (CVE-2020-8554); the platform needs none, and the service-external-ips
 * admission rule refuses them in tenant namespaces, so this closes it for everyone.
 */
export const EXTRA_ADMISSION_PLUGINS: readonly string[] = ['DenyServiceExternalIPs'];

/**
 * `--enable-admission-plugins` for kubeadm, which replaces its own default (NodeRestriction) with
 * the value given, so the default is repeated. Talos adds the value to its defaults instead.
 */
export const KUBEADM_ADMISSION_PLUGINS = ['NodeRestriction', ...EXTRA_ADMISSION_PLUGINS].join(',');

/**
 * kube-apiserver flags for admission, audit logging and OIDC, in a fixed order. The log is kept
 * for 30 days locally; the log forwarder ships it to the service cluster as it is written.
 */
export function apiServerArgs(oidc: OidcSettings): [string, string][] {
  return [
    ['enable-admission-plugins', KUBEADM_ADMISSION_PLUGINS],
    ['audit-policy-file', AUDIT_PATHS.policyFile],
    ['audit-log-path', AUDIT_PATHS.logFile],
    ['audit-log-format', 'json'],
    ['audit-log-maxage', '30'],
    ['audit-log-maxbackup', '10'],
    ['audit-log-maxsize', '100'],
    ['oidc-issuer-url', oidc.issuerUrl],
    ['oidc-client-id', oidc.clientId],
    ['oidc-username-claim', oidc.usernameClaim],
    ['oidc-username-prefix', oidc.usernamePrefix],
    ['oidc-groups-claim', oidc.groupsClaim],
    ['oidc-groups-prefix', oidc.groupsPrefix],
  ];
}
