import type { OidcSettings } from './oidc-settings.js';

/** Where the audit policy and log live on control-plane nodes. */
export const AUDIT_PATHS = {
  policyDir: '/etc/kubernetes/audit',
  policyFile: '/etc/kubernetes/audit/policy.yaml',
  logDir: '/var/log/kubernetes/audit',
  logFile: '/var/log/kubernetes/audit/audit.log',
} as const;

/**
 * kube-apiserver flags for audit logging and OIDC, in a fixed order. The log is kept for
 * 30 days locally; the log forwarder ships it to the service cluster as it is written.
 */
export function apiServerArgs(oidc: OidcSettings): [string, string][] {
  return [
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
