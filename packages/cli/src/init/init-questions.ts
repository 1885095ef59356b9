import { homedir } from 'node:os';
import * as path from 'node:path';
import type { Fleet } from '@ck8s/core';

export type Profile = 'workload' | 'service';
export type IdpType = 'oidc' | 'saml' | 'ldap';
export type ReceiverType = 'slack' | 'email' | 'pagerduty' | 'webhook';

/** The answers of the onboarding form, by question id; every value is text as typed. */
export type InitAnswers = Readonly<Record<string, string>>;

/**
 * One field of the onboarding form. Plain settings come from a flag or the prompt; credentials
 * of outside systems (object storage keys, the identity provider's client secret, the alert
 * receiver's URL) come from an environment variable or a hidden prompt, never from a flag, so
 * they stay out of shell history and process listings.
 */
export interface InitQuestion {
  readonly id: string;
  /** commander flag, e.g. `--customer <name>`; absent for credentials. */
  readonly flag?: string;
  /** Environment variable a credential is read from. */
  readonly env?: string;
  readonly message: string;
  /** Whether the question applies, given the answers so far. @default always */
  readonly when?: (answers: InitAnswers) => boolean;
  /** Suggested answer, taken when the flag is missing in a non-interactive run. @default none: the answer is required */
  readonly default?: (answers: InitAnswers, context: QuestionContext) => string | undefined;
  readonly choices?: readonly string[];
  /** A credential: hidden when typed, never a flag. @default false */
  readonly secret?: boolean;
  /** Whether an empty answer is fine. @default false */
  readonly optional?: boolean;
}

/** What defaults are derived from: the cluster's name and the clusters that exist already. */
export interface QuestionContext {
  readonly name: string;
  readonly fleet: Fleet;
  readonly env: NodeJS.ProcessEnv;
  /** The Kubernetes minor proposed (core's DEFAULT_KUBERNETES_VERSION, passed in so `--help` loads no core). */
  readonly defaultKubernetesVersion: string;
}

const isProfile = (p: Profile) => (a: InitAnswers) => a.profile === p;
const isIdp = (t: IdpType) => (a: InitAnswers) => a.profile === 'service' && a.idpType === t;
const isReceiver =
  (...t: ReceiverType[]) =>
  (a: InitAnswers) =>
    a.profile === 'service' && t.includes(a.receiverType as ReceiverType);

/** The single service cluster of the fleet, when there is exactly one. */
function onlyServiceCluster(fleet: Fleet): string | undefined {
  const services = [...fleet.clusters.values()].filter((c) => c.profile === 'service');
  return services.length === 1 ? services[0]!.name : undefined;
}

/** The domain the other clusters live under (their domain without its first label). */
function fleetBaseDomain(fleet: Fleet): string | undefined {
  const first = [...fleet.clusters.values()][0];
  return first?.domain.split('.').slice(1).join('.') || undefined;
}

/**
 * The onboarding form in the order it is asked. The ids are the keys of InitAnswers; the
 * flags are the `ck8s init` options (documented in its --help).
 */
export const INIT_QUESTIONS: readonly InitQuestion[] = [
  { id: 'profile', flag: '--profile <profile>', message: 'Cluster profile', choices: ['workload', 'service'] },
  { id: 'customer', flag: '--customer <name>', message: 'Customer name' },
  {
    id: 'serviceCluster',
    flag: '--service-cluster <name>',
    message: 'Service cluster that receives its logs, metrics and alerts',
    when: isProfile('workload'),
    default: (_, c) => onlyServiceCluster(c.fleet),
  },
  {
    id: 'environment',
    flag: '--environment <name>',
    message: 'Environment (e.g. production, staging)',
    default: (a, c) => (a.serviceCluster ? c.fleet.clusters.get(a.serviceCluster)?.environment : undefined),
  },
  { id: 'dnsLabel', flag: '--dns-label <label>', message: 'DNS label of the cluster', default: (_, c) => c.name },
  {
    id: 'baseDomain',
    flag: '--base-domain <domain>',
    message: 'Base domain (platform endpoints live at <service>.<dns label>.<base domain>)',
    default: (_, c) => fleetBaseDomain(c.fleet),
  },
  {
    id: 'kubernetesVersion',
    flag: '--kubernetes-version <version>',
    message: 'Kubernetes version',
    default: (_answers, context) => context.defaultKubernetesVersion,
  },
  {
    id: 'gitRepository',
    flag: '--git-repository <url>',
    message: 'Git repository the cluster syncs from (as the cluster reaches it)',
    default: (_, c) => [...c.fleet.clusters.values()][0]?.gitops.repository,
  },
  { id: 'gitBranch', flag: '--git-branch <branch>', message: 'Protected branch the cluster follows', default: () => 'main' },
  {
    id: 'certificateIssuer',
    flag: '--certificate-issuer <issuer>',
    message: 'Issuer of the platform certificates',
    choices: ['letsencrypt-production', 'letsencrypt-staging', 'private-ca'],
    default: () => 'letsencrypt-production',
  },
  { id: 'acmeEmail', flag: '--acme-email <email>', message: "Contact e-mail for Let's Encrypt", when: (a) => a.certificateIssuer !== 'private-ca' },
  {
    id: 'operatorGroups',
    flag: '--operator-groups <groups>',
    message: 'Identity provider groups of the platform operators (comma-separated)',
    default: () => 'platform-operators',
  },
  { id: 'apiServerCidrs', flag: '--api-server-cidrs <cidrs>', message: 'Addresses of the API server as pods reach it (comma-separated CIDRs)' },
  {
    id: 'serviceClusterCidrs',
    flag: '--service-cluster-cidrs <cidrs>',
    message: "Addresses of the service cluster's ingress, where logs, metrics and alerts go (comma-separated CIDRs)",
    default: (a, c) => (a.serviceCluster ? c.fleet.clusters.get(a.serviceCluster)?.network.serviceClusterCidrs.join(',') || undefined : undefined),
  },
  {
    id: 'objectStorageCidrs',
    flag: '--object-storage-cidrs <cidrs>',
    message: 'Addresses of the object storage, where backups go (comma-separated CIDRs)',
    default: (a, c) => (a.serviceCluster ? c.fleet.clusters.get(a.serviceCluster)?.network.objectStorageCidrs.join(',') || undefined : undefined),
  },
  {
    id: 's3Endpoint',
    flag: '--s3-endpoint <url>',
    message: 'S3-compatible object storage endpoint (https://...)',
    default: (a, c) => (a.serviceCluster ? c.fleet.clusters.get(a.serviceCluster)?.backup.objectStorage?.endpoint : undefined),
  },
  { id: 's3Region', flag: '--s3-region <region>', message: 'Object storage region', default: () => 'us-east-1' },
  { id: 'backupBucket', flag: '--backup-bucket <bucket>', message: 'Bucket for backups', default: (_, c) => `${c.name}-backups` },
  {
    id: 'registryBucket',
    flag: '--registry-bucket <bucket>',
    message: 'Bucket of the container registry',
    when: isProfile('service'),
    default: (_, c) => `${c.name}-registry`,
  },
  { id: 's3AccessKeyId', env: 'CK8S_S3_ACCESS_KEY_ID', message: 'Object storage access key id', secret: true },
  { id: 's3SecretAccessKey', env: 'CK8S_S3_SECRET_ACCESS_KEY', message: 'Object storage secret access key', secret: true },
  { id: 'idpType', flag: '--idp-type <type>', message: 'Identity provider protocol', choices: ['oidc', 'saml', 'ldap'], when: isProfile('service') },
  { id: 'idpId', flag: '--idp-id <id>', message: 'Connector id', when: isProfile('service'), default: () => 'corporate' },
  { id: 'idpName', flag: '--idp-name <name>', message: 'Name on the login page', when: isProfile('service'), default: () => 'Corporate login' },
  { id: 'idpIssuer', flag: '--idp-issuer <url>', message: 'OpenID Connect issuer URL', when: isIdp('oidc') },
  { id: 'idpClientId', flag: '--idp-client-id <id>', message: 'Client id at the identity provider', when: isIdp('oidc') },
  { id: 'idpClientSecret', env: 'CK8S_IDP_CLIENT_SECRET', message: 'Client secret at the identity provider', secret: true, when: isIdp('oidc') },
  { id: 'idpSsoUrl', flag: '--idp-sso-url <url>', message: 'SAML single sign-on URL', when: isIdp('saml') },
  { id: 'idpCaFile', flag: '--idp-ca-file <path>', message: "File with the SAML provider's CA certificate (PEM)", when: isIdp('saml') },
  { id: 'idpHost', flag: '--idp-host <host:port>', message: 'LDAP server (host:port, LDAPS)', when: isIdp('ldap') },
  { id: 'idpBindDn', flag: '--idp-bind-dn <dn>', message: 'LDAP bind DN', when: isIdp('ldap') },
  { id: 'idpUserBaseDn', flag: '--idp-user-base-dn <dn>', message: 'LDAP base DN of users', when: isIdp('ldap') },
  { id: 'idpGroupBaseDn', flag: '--idp-group-base-dn <dn>', message: 'LDAP base DN of groups', when: isIdp('ldap') },
  { id: 'idpBindPassword', env: 'CK8S_IDP_BIND_PASSWORD', message: 'LDAP bind password', secret: true, when: isIdp('ldap') },
  {
    id: 'receiverType',
    flag: '--receiver-type <type>',
    message: 'Where alerts go',
    choices: ['slack', 'email', 'pagerduty', 'webhook'],
    when: isProfile('service'),
  },
  { id: 'receiverName', flag: '--receiver-name <name>', message: 'Alert receiver name', when: isProfile('service'), default: () => 'platform-team' },
  { id: 'slackChannel', flag: '--slack-channel <channel>', message: 'Slack channel', when: isReceiver('slack') },
  { id: 'emailTo', flag: '--email-to <address>', message: 'Alert e-mail recipient', when: isReceiver('email') },
  { id: 'emailFrom', flag: '--email-from <address>', message: 'Alert e-mail sender', when: isReceiver('email') },
  { id: 'smarthost', flag: '--smarthost <host:port>', message: 'SMTP server (host:port)', when: isReceiver('email') },
  { id: 'smtpUsername', flag: '--smtp-username <user>', message: 'SMTP user', when: isReceiver('email'), optional: true },
  {
    id: 'receiverSecret',
    env: 'CK8S_RECEIVER_SECRET',
    message: 'Receiver credential (Slack or webhook URL, SMTP password, PagerDuty routing key)',
    secret: true,
    when: isProfile('service'),
  },
  {
    id: 'keyFile',
    flag: '--key-file <path>',
    message: "Where to write the cluster's private age key (outside the repository)",
    default: (_, c) => path.join(c.env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'ck8s', `${c.name}.agekey`),
  },
  {
    id: 'serviceClusterKeyFile',
    flag: '--service-cluster-key-file <path>',
    message: "Private age key of the service cluster (to add this cluster's accounts to its log store, metrics and alerting)",
    when: isProfile('workload'),
    default: (_, c) => c.env.SOPS_AGE_KEY_FILE || undefined,
  },
];

/** The commander option name of a flag: `--s3-endpoint <url>` → `s3Endpoint`. */
export function optionKey(flag: string): string {
  return flag
    .split(' ')[0]!
    .replace(/^--/, '')
    .replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The flag (or environment variable) a question is answered with, for messages. */
export function questionSource(q: InitQuestion): string {
  return q.flag ? q.flag.split(' ')[0]! : `environment variable ${q.env}`;
}
