import { z } from './zod.js';
import { GITOPS_ENGINES } from '../argocd/common.js';
import { DEFAULT_KUBERNETES_VERSION, isSupportedKubernetesVersion, SUPPORTED_KUBERNETES_MINORS } from '../kubernetes-versions.js';
import { DNS_LABEL, DNS_SUBDOMAIN, KUBERNETES_NAMESPACES, PLATFORM_NAMESPACES } from '../naming.js';
import { AGE_RECIPIENT } from './age-recipient.js';
import { dataService } from './data-services-schema.js';

const DNS_LABEL_RULE =
  "is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)";

/** A DNS-1123 label; regex and length both show up in the exported JSON Schema. */
export const dnsLabel = () => z.string().max(63, { error: DNS_LABEL_RULE }).regex(DNS_LABEL, { error: DNS_LABEL_RULE });

const domain = z
  .string()
  .max(253, { error: 'is not a DNS subdomain (at most 253 characters)' })
  .regex(DNS_SUBDOMAIN, { error: "is not a DNS subdomain (lowercase labels separated by '.', e.g. demo.example.com)" });

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const quantity = z.string().regex(QUANTITY, { error: 'is not a Kubernetes quantity (e.g. 500m, 2, 4Gi)' });

const GIT_URL = /^(https|ssh):\/\/.+$|^http:\/\/(127\.0\.0\.1|localhost)(:[0-9]+)?\/.*$/;

const gitops = z
  .strictObject({
    engine: z
      .enum(GITOPS_ENGINES, { error: 'is not a supported GitOps engine' })
      .default('flux')
      .describe('GitOps engine that syncs the cluster: flux (the layers as Flux Kustomizations) or argocd (the layers as Argo CD Applications).'),
    repository: z
      .string()
      .regex(GIT_URL, { error: 'is not an allowed Git URL (https:// or ssh://; plain http:// only for a loopback test repository)' })
      .describe('URL of this Git repository as the cluster reaches it.'),
    branch: z.string().min(1, { error: 'must not be empty' }).default('main').describe('Branch the cluster follows (the protected branch).'),
    interval: z
      .string()
      .regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, { error: 'is not a Go duration (e.g. 1m, 10m, 1h)' })
      .default('10m')
      .describe('How often Flux reconciles.'),
    wait: z
      .boolean()
      .default(true)
      .describe(
        'Wait for every object of a layer to be ready before the next layer is applied. Switch off only where HelmReleases cannot become ready (offline test clusters).',
      ),
    secretName: z
      .string()
      .regex(DNS_LABEL, { error: DNS_LABEL_RULE })
      .optional()
      .describe('Secret in flux-system with Git credentials. Default: "flux-system" for ssh:// repositories, none for https://.'),
    fluxManifests: z
      .string()
      .regex(/^oci:\/\/[^\s/]+\/\S+$/, { error: 'is not an OCI repository URL (oci://<registry>/<path>)' })
      .optional()
      .describe(
        'OCI repository Flux installs itself from, for a cluster that reaches a mirror instead of the one in charts/catalog.yaml (which also pins the release). ' +
          "A loopback registry (oci://127.0.0.1:<port>/...) is reached over plain HTTP: test clusters only. Default: the catalog's repository.",
      ),
  })
  .describe('How the cluster syncs its folder from Git.');

const sops = z
  .strictObject({
    ageRecipients: z
      .array(z.string().regex(AGE_RECIPIENT, { error: 'is not an age X25519 recipient (age1 followed by 58 bech32 characters)' }))
      .default([])
      .describe('Public age recipients the cluster can decrypt with; written by `ck8s secrets init`.'),
  })
  .describe('Encryption of the secrets committed for this cluster.');

const quota = z
  .strictObject({
    cpu: quantity
      .default('4')
      .describe('Total CPU requests of the namespace (CPU is not limited: the platform requires no CPU limits, which only throttle).'),
    memory: quantity.default('8Gi').describe('Total memory requests and limits of the namespace.'),
    storage: quantity.default('50Gi').describe('Total storage requested by persistent volume claims.'),
    pods: z.int({ error: 'is not a whole number' }).min(1, { error: 'must be at least 1' }).default(50).describe('Maximum number of pods.'),
  })
  .describe('ResourceQuota of the tenant namespace.');

const HOST_PATTERN_RULE =
  "is not a host name or wildcard suffix (lowercase DNS labels separated by '.', optionally starting with '*.', e.g. app.example.com or *.team-a.example.com)";
/** A DNS name, or a wildcard suffix `*.<DNS name>` that covers every name below it. */
const hostPattern = z
  .string()
  .max(253, { error: HOST_PATTERN_RULE })
  .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, { error: HOST_PATTERN_RULE });

const port = z.int({ error: 'is not a whole number' }).min(1, { error: 'is not a port (1-65535)' }).max(65535, { error: 'is not a port (1-65535)' });
const group = z
  .string()
  .min(1, { error: 'must not be empty' })
  .refine((g) => !g.startsWith('system:'), { error: 'is a Kubernetes system group; only identity-provider groups are allowed' });

const tenant = z.strictObject({
  name: dnsLabel().describe('Namespace of the tenant.'),
  adminGroups: z.array(group).default([]).describe('OIDC groups that administer the namespace.'),
  viewGroups: z.array(group).default([]).describe('OIDC groups with read-only access to the namespace.'),
  quota: quota.prefault({}),
  ingressPorts: z.array(port).default([]).describe("Ports of the tenant's pods that the ingress controller may reach."),
  metricsPorts: z.array(port).default([]).describe("Ports of the tenant's pods that Prometheus may scrape."),
  allowLoadBalancer: z.boolean().default(false).describe('Allow Services of type LoadBalancer in the namespace.'),
  allowNodePort: z.boolean().default(false).describe('Allow Services of type NodePort in the namespace.'),
  hosts: z
    .array(hostPattern)
    .optional()
    .describe(
      "Host names the tenant's Ingresses and Gateway API routes may use: DNS names, or wildcard suffixes (*.apps.example.com covers every name below apps.example.com). Default: <tenant>.<cluster domain> and *.<tenant>.<cluster domain>. None may cover a platform endpoint or another tenant's host.",
    ),
  services: z
    .array(dataService)
    .default([])
    .describe(
      "Data services run for the tenant in its namespace (under its quota): PostgreSQL, MariaDB, RabbitMQ and NATS, each by its operator, with generated credentials in sops Secrets, daily backups, and network access from the tenant's pods only. Names are unique in the tenant.",
    ),
});

const CIDR = /^([0-9]{1,3}\.){3}[0-9]{1,3}\/([0-9]|[12][0-9]|3[0-2])$|^[0-9a-fA-F:]+\/[0-9]{1,3}$/;
const cidr = z.string().regex(CIDR, { error: 'is not a CIDR (e.g. 10.0.0.0/16)' });

const enforcementAction = z.enum(['deny', 'warn', 'audit'], { error: 'is not an enforcement action' });

const policy = z
  .strictObject({
    allowedRegistries: z
      .array(
        z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9._/-]+)?$/, {
          error: 'is not a registry host, optionally with a port and path (e.g. registry.example.com/team-a)',
        }),
      )
      .optional()
      .describe('Registries tenant images may come from. Default: the registry of the service cluster (registry.<service cluster domain>).'),
    enforcement: z
      .record(
        z.string().regex(/^[a-z0-9-]+$/, { error: 'is not a rule id' }),
        z.union([
          enforcementAction.describe('deny; warn and audit need a reason, so they take the { action, reason } form.'),
          z
            .strictObject({
              action: enforcementAction.describe(
                'What a violation does: deny, warn (the client sees a warning) or audit (recorded in the audit log).',
              ),
              reason: z
                .string()
                .trim()
                .min(10, { error: 'must say why (at least 10 characters)' })
                .describe('Why the rule does not deny; written on the binding and shown by validate and the report.'),
            })
            .describe('An enforcement with its reason.'),
        ]),
      )
      .default({})
      .describe(
        'Enforcement per admission rule id (default for every rule: deny). A weaker action needs a reason: `image-tag: { action: warn, reason: ... }`.',
      ),
    exceptions: z
      .array(
        z.strictObject({
          namespace: dnsLabel().describe('Tenant namespace the rule does not apply to.'),
          rule: z
            .string()
            .regex(/^[a-z0-9-]+$/, { error: 'is not a rule id' })
            .describe('Admission rule id.'),
          reason: z
            .string()
            .min(10, { error: 'must say why (at least 10 characters)' })
            .describe('Why the exception is needed; shown in the output.'),
        }),
      )
      .default([])
      .describe('Explicit exceptions to admission rules; each shows up in the generated binding.'),
  })
  .describe('Admission policies enforced in tenant namespaces.');

const rbac = z
  .strictObject({
    operatorGroups: z.array(group).default([]).describe('OIDC groups of the platform operators; they get cluster-admin.'),
    auditorGroups: z
      .array(group)
      .default([])
      .describe(
        "OIDC groups of the auditors: besides the operators, they alone read the API server audit logs and Falco events in the service cluster's log store.",
      ),
  })
  .describe('Cluster-wide access.');

const network = z
  .strictObject({
    apiServer: z
      .strictObject({
        cidrs: z.array(cidr).min(1, { error: 'must list at least one CIDR' }).describe('Addresses of the Kubernetes API server as pods reach it.'),
        port: port.default(6443).describe('API server port.'),
      })
      .optional()
      .describe('Where components that talk to the API server may connect. Default: no API egress is allowed.'),
    serviceClusterCidrs: z.array(cidr).default([]).describe("Addresses of the service cluster's ingress, for log and metric forwarding."),
    objectStorageCidrs: z.array(cidr).default([]).describe('Addresses of the object storage used for backups.'),
  })
  .describe('Addresses used to generate the allow rules of network policies.');

const oidc = z
  .strictObject({
    issuerUrl: z
      .string()
      .regex(/^https:\/\/[^\s]+$/, { error: 'is not an https URL' })
      .optional()
      .describe("OIDC issuer. Default: https://dex.<service cluster domain> (the service cluster's identity provider)."),
    clientId: z.string().min(1).optional().describe('OIDC client id of the Kubernetes API. Default: kubernetes-<cluster name>.'),
    usernameClaim: z.string().min(1).default('email').describe('Claim used as the user name.'),
    groupsClaim: z.string().min(1).default('groups').describe("Claim that lists the user's groups."),
  })
  .describe('How the API server authenticates people through the identity provider.');

const ingress = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Deploy the ingress controller (F5 NGINX Ingress Controller).'),
    replicas: z
      .int({ error: 'is not a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(20, { error: 'must be at most 20' })
      .default(2)
      .describe('Controller replicas.'),
    minAvailable: z
      .int({ error: 'is not a whole number' })
      .min(0, { error: 'must be at least 0' })
      .default(1)
      .describe('PodDisruptionBudget: controllers that must stay up during voluntary disruptions.'),
    hstsMaxAge: z
      .int({ error: 'is not a whole number' })
      .min(0, { error: 'must be at least 0' })
      .default(31536000)
      .describe('HSTS max-age in seconds.'),
  })
  .describe('The ingress controller.');

const certificates = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Deploy cert-manager and the cluster issuers.'),
    acmeEmail: z.email({ error: 'is not an e-mail address' }).optional().describe("Contact for Let's Encrypt; required for the letsencrypt issuers."),
    issuer: z
      .enum(['letsencrypt-production', 'letsencrypt-staging', 'private-ca'], { error: 'is not an issuer' })
      .default('letsencrypt-production')
      .describe('Issuer of the certificates of platform endpoints. private-ca: a self-signed root for private environments.'),
  })
  .describe('Certificates for every platform endpoint.');

const externalDns = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Deploy external-dns.'),
    provider: z
      .enum(['aws', 'azure', 'cloudflare', 'google', 'rfc2136'], { error: 'is not a supported DNS provider' })
      .optional()
      .describe('DNS provider.'),
    credentialsSecret: dnsLabel()
      .default('external-dns-credentials')
      .describe('sops Secret in namespace external-dns with the provider credentials (ck8s secrets set <cluster> external-dns/<name>).'),
  })
  .describe('DNS records for ingresses.');

const PRIORITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'] as const;

const ids = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Deploy Falco (workload clusters).'),
    minimumPriority: z
      .enum(PRIORITIES, { error: 'is not a Falco priority' })
      .default('notice')
      .describe('Lowest priority of events forwarded to the service cluster.'),
    incubatingRules: z
      .boolean()
      .default(false)
      .describe(
        "Also load Falco's incubating rule set (more detections, more noise from legitimate workloads); off by default: the stable set only.",
      ),
    sandboxRules: z.boolean().default(false).describe("Also load Falco's sandbox rule set (experimental detections, the noisiest); off by default."),
    credentialsSecret: dnsLabel()
      .default('falcosidekick-credentials')
      .describe(
        'sops Secret in namespace falco with the log store credentials of falcosidekick (keys ELASTICSEARCH_USERNAME, ELASTICSEARCH_PASSWORD for the log store, whose Elasticsearch output speaks to OpenSearch, and ALERTMANAGER_CUSTOMHEADERS `Authorization:Basic <base64 user:password>` for Alertmanager).',
      ),
  })
  .describe('Intrusion detection.');

const DURATION = /^[0-9]+(d|h|w|y)$/;
const SIZE = /^[0-9]+(KB|MB|GB|TB)$/;

const objectStorage = z
  .strictObject({
    endpoint: z
      .string()
      .regex(/^https:\/\/[^\s]+$/, { error: 'is not an https URL' })
      .describe('S3-compatible endpoint.'),
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'is not an S3 bucket name' })
      .describe('Bucket.'),
    region: z.string().min(1, { error: 'must not be empty' }).default('us-east-1').describe('Region (any value for most S3-compatible stores).'),
  })
  .describe('An S3-compatible bucket.');

const receiver = z.strictObject({
  name: dnsLabel().describe('Receiver name.'),
  type: z.enum(['slack', 'email', 'pagerduty', 'webhook'], { error: 'is not a receiver type' }).describe('Where alerts go.'),
  secret: dnsLabel().describe(
    'sops Secret in namespace monitoring with the credentials (slack: url; email: password; pagerduty: routing-key; webhook: url).',
  ),
  channel: z.string().optional().describe('Slack channel.'),
  to: z.email({ error: 'is not an e-mail address' }).optional().describe('E-mail recipient.'),
  from: z.email({ error: 'is not an e-mail address' }).optional().describe('E-mail sender.'),
  smarthost: z
    .string()
    .regex(/^[^\s:]+:[0-9]+$/, { error: 'is not host:port' })
    .optional()
    .describe('SMTP server.'),
  username: z.string().optional().describe('SMTP user.'),
});

const observability = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Deploy metrics and alerting.'),
    retentionTime: z
      .string()
      .regex(DURATION, { error: 'is not a retention time (e.g. 30d)' })
      .default('30d')
      .describe('Service cluster: keep metrics this long ...'),
    retentionSize: z
      .string()
      .regex(SIZE, { error: 'is not a size (e.g. 50GB)' })
      .default('50GB')
      .describe('... or until they take this much space, whichever comes first.'),
    receivers: z.array(receiver).default([]).describe('Service cluster: Alertmanager receivers; the first one gets every alert.'),
    availabilityObjective: z
      .number()
      .min(90, { error: 'must be at least 90' })
      .max(99.999, { error: 'must be below 100' })
      .default(99.95)
      .describe('Availability objective of platform endpoints in percent over 30 days.'),
  })
  .describe('Metrics, dashboards and alerting.');

/** At most ten years: compliance-mode locks cannot be shortened, so a typo must not lock data for a century. */
const MAX_ARCHIVE_RETENTION_DAYS = 3650;

const auditArchive = objectStorage
  .extend({
    retentionDays: z
      .int({ error: 'is not a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(MAX_ARCHIVE_RETENTION_DAYS, { error: `must be at most ${MAX_ARCHIVE_RETENTION_DAYS} (ten years)` })
      .default(30)
      .describe('Days every archived object stays locked in compliance mode (nobody can delete it), then expires.'),
    writer: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::[0-9A-Za-z_-]*:(user|role)\/[\w+=,.@/-]+$/, {
        error: 'is not an IAM user or role ARN (arn:aws:iam::<account>:user/<name>, or arn:aws:iam:::user/<name> on Ceph)',
      })
      .describe(
        'The principal whose write-only key is in the Secret logging/fluent-bit-archive-credentials; the bucket policy lets it only add objects.',
      ),
  })
  .describe("A bucket of the cluster's own, created with object lock enabled.");

const logging = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Deploy log shipping (and, in the service cluster, the log store).'),
    retentionDays: z
      .int({ error: 'is not a whole number' })
      .min(1, { error: 'must be at least 1' })
      .default(30)
      .describe('Service cluster: delete log indices after this many days ...'),
    retentionSize: z
      .string()
      .regex(/^[0-9]+(mb|gb|tb)$/, { error: 'is not a size (e.g. 50gb)' })
      .default('50gb')
      .describe('... or when an index set grows past this size.'),
    snapshots: objectStorage
      .optional()
      .describe(
        "Service cluster: object storage for the daily snapshots of the log store (kept as long as the logs). Default: the backup's object storage (backup.objectStorage); none when backups are off.",
      ),
    auditArchive: auditArchive.optional().describe('Also archive the API server audit log and Falco events to a bucket with object lock.'),
  })
  .describe('Log shipping and storage.');

const backup = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Deploy Velero.'),
    objectStorage: objectStorage.optional().describe('Backup storage location; required when backups are enabled.'),
    keep: z
      .int({ error: 'is not a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(30, { error: 'must be at most 30' })
      .default(3)
      .describe('Daily backups to keep.'),
    time: z
      .string()
      .regex(/^0[01]:[0-5][0-9]$/, {
        error: 'is not a time between 00:00 and 01:59 (HH:MM; the 00:00-03:00 window without the hour daylight saving skips or repeats)',
      })
      .default('01:30')
      .describe('Local time (Europe/Stockholm, CET/CEST) of the daily backup, of the log store snapshot and of the registry database dump.'),
    volumes: z
      .strictObject({
        method: z
          .enum(['file-system', 'csi-snapshot-data-movement'], { error: 'is not a volume backup method (file-system, csi-snapshot-data-movement)' })
          .default('file-system')
          .describe(
            'file-system: the Velero node agent copies every pod volume with kopia (opt out per volume with the pod annotation backup.velero.io/backup-volumes-excludes); csi-snapshot-data-movement: CSI snapshots of the persistent volumes, moved to object storage by the node agent (needs a VolumeSnapshotClass).',
          ),
        csiDriver: z
          .string()
          .regex(/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/, { error: 'is not a CSI driver name (e.g. ebs.csi.aws.com)' })
          .optional()
          .describe('csi-snapshot-data-movement: the CSI driver (StorageClass provisioner) of the volumes.'),
        volumeSnapshotClass: z
          .string()
          .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, { error: 'is not a VolumeSnapshotClass name (a DNS subdomain)' })
          .optional()
          .describe("csi-snapshot-data-movement: the cluster's VolumeSnapshotClass for that driver."),
      })
      .prefault({})
      .describe('How the data of volumes is backed up.'),
  })
  .describe('Backups.');

const connector = z.strictObject({
  type: z.enum(['oidc', 'saml', 'ldap'], { error: 'is not a connector type' }).describe('Upstream identity provider protocol.'),
  id: dnsLabel().describe('Connector id.'),
  name: z.string().min(1, { error: 'must not be empty' }).describe('Name shown on the login page.'),
  secret: dnsLabel().describe(
    'sops Secret in namespace dex with the credentials (oidc: client-id, client-secret; saml: ca.crt; ldap: bind-dn, bind-password).',
  ),
  issuer: z
    .string()
    .regex(/^https:\/\/[^\s]+$/, { error: 'is not an https URL' })
    .optional()
    .describe('oidc: issuer URL.'),
  ssoUrl: z
    .string()
    .regex(/^https:\/\/[^\s]+$/, { error: 'is not an https URL' })
    .optional()
    .describe('saml: single sign-on URL.'),
  host: z
    .string()
    .regex(/^[^\s:]+:[0-9]+$/, { error: 'is not host:port' })
    .optional()
    .describe('ldap: server host:port (LDAPS).'),
  userBaseDn: z.string().optional().describe('ldap: base DN of users.'),
  groupBaseDn: z.string().optional().describe('ldap: base DN of groups.'),
});

const identity = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Service cluster: deploy Dex.'),
    connectors: z.array(connector).default([]).describe('Upstream identity providers; multi-factor authentication is enforced there.'),
  })
  .describe('Single sign-on (service cluster).');

const registry = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Service cluster: deploy Harbor.'),
    storage: objectStorage.optional().describe('Object storage of the registry; required when the registry is enabled in a service cluster.'),
    blockSeverity: z
      .enum(['critical', 'high', 'medium', 'low'], { error: 'is not a severity' })
      .default('high')
      .describe('Images with vulnerabilities at or above this severity cannot be pulled.'),
    robotAccounts: z.array(dnsLabel()).default([]).describe('Robot accounts for CI, allowed to push to every tenant project.'),
  })
  .describe('The private container registry (service cluster).');

const posture = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Deploy the posture scanner (trivy-operator).'),
  })
  .describe('Posture and vulnerability scanning.');

const ui = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "Deploy the enterprise UI (Headlamp) at https://headlamp.<domain>: people sign in at the service cluster's identity provider and act with their own Kubernetes rights (only where the API server trusts that identity provider).",
      ),
  })
  .describe('The enterprise UI.');

const maintenance = z
  .strictObject({
    postponeMajorUntil: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'is not a date (YYYY-MM-DD)' })
      .optional()
      .describe(
        "Production clusters: the customer's postponement of a major update to this window day (YYYY-MM-DD), at most one month after the major-update day it postpones (maintenance in ck8s.config.yaml).",
      ),
  })
  .describe('The maintenance window of this cluster; the window itself is set fleet-wide in ck8s.config.yaml.');

export const ClusterConfigSchema = z
  .strictObject({
    name: dnsLabel().describe('Cluster name; must equal the name of its folder under clusters/.'),
    profile: z
      .enum(['workload', 'service'], { error: 'is not a cluster profile' })
      .describe('workload runs tenant apps and agents; service runs log store, metrics, registry and SSO.'),
    environment: dnsLabel().describe('Environment this cluster belongs to, e.g. production or staging.'),
    customer: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(100, { error: 'must be at most 100 characters' })
      .optional()
      .describe('Customer or organisation the cluster is run for, as the onboarding form names it (shown in reports).'),
    kubernetesVersion: z
      .string()
      .regex(/^1\.[0-9]{1,2}(\.[0-9]{1,3})?$/, {
        error: `is not a Kubernetes version (1.MINOR or 1.MINOR.PATCH, e.g. ${DEFAULT_KUBERNETES_VERSION})`,
        abort: true,
      })
      .refine(isSupportedKubernetesVersion, {
        error: `is not a supported Kubernetes version; supported: ${SUPPORTED_KUBERNETES_MINORS.join(', ')} (optionally with a patch, e.g. ${DEFAULT_KUBERNETES_VERSION}.0)`,
      })
      .describe(
        `Kubernetes version of the cluster (${SUPPORTED_KUBERNETES_MINORS.join(', ')}); selects the schemas used for validation and the Pod Security rules the admission policies implement.`,
      ),
    domain: domain.describe('Base DNS domain of the cluster; platform endpoints live below it.'),
    serviceCluster: dnsLabel().optional().describe('For a workload cluster: the service cluster that receives its logs, metrics and alerts.'),
    gitops,
    sops: sops.prefault({}),
    tenants: z.array(tenant).default([]).describe('Tenant namespaces.'),
    ingress: ingress.prefault({}),
    certificates: certificates.prefault({}),
    externalDns: externalDns.prefault({}),
    policy: policy.prefault({}),
    rbac: rbac.prefault({}),
    network: network.prefault({}),
    oidc: oidc.prefault({}),
    ids: ids.prefault({}),
    observability: observability.prefault({}),
    logging: logging.prefault({}),
    backup: backup.prefault({}),
    identity: identity.prefault({}),
    registry: registry.prefault({}),
    posture: posture.prefault({}),
    ui: ui.prefault({}),
    maintenance: maintenance.prefault({}),
  })
  .describe('A cluster of the platform. Everything else in the cluster folder is generated by `ck8s synth`.');

/** The cluster config as written in cluster.yaml. */
export type ClusterConfigInput = z.input<typeof ClusterConfigSchema>;
/** The cluster config with every default applied. */
export type ClusterConfig = z.output<typeof ClusterConfigSchema>;
export type TenantConfig = ClusterConfig['tenants'][number];

/**
 * Namespaces no tenant can take whatever the cluster runs: Kubernetes' own and Flux's. The
 * namespaces of the platform's components are reserved too, as each component declares them
 * (checked when the cluster is composed).
 */
export const RESERVED_NAMESPACES: readonly string[] = [...KUBERNETES_NAMESPACES, PLATFORM_NAMESPACES.flux].sort();

/** The JSON Schema of cluster.yaml, for editors (yaml-language-server) and other tools. */
export function clusterConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ClusterConfigSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://ck8s.io/schemas/cluster.schema.json', title: 'ck8s cluster configuration' };
}
