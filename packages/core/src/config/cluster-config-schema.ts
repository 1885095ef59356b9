import { z } from 'zod';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../naming.js';

const DNS_LABEL_RULE = "is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)";

/** A DNS-1123 label; regex and length both show up in the exported JSON Schema. */
export const dnsLabel = () => z.string().max(63, { error: DNS_LABEL_RULE }).regex(DNS_LABEL, { error: DNS_LABEL_RULE });

const domain = z
  .string()
  .max(253, { error: 'is not a DNS subdomain (at most 253 characters)' })
  .regex(DNS_SUBDOMAIN, { error: "is not a DNS subdomain (lowercase labels separated by '.', e.g. demo.example.com)" });

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const quantity = z.string().regex(QUANTITY, { error: 'is not a Kubernetes quantity (e.g. 500m, 2, 4Gi)' });

/** Age X25519 recipients are bech32 strings with the `age1` prefix. */
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

const GIT_URL = /^(https|ssh):\/\/.+$|^http:\/\/(127\.0\.0\.1|localhost)(:[0-9]+)?\/.*$/;

const gitops = z
  .strictObject({
    engine: z.enum(['flux'], { error: 'is not a supported GitOps engine' }).default('flux').describe('GitOps engine that syncs the cluster.'),
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
    secretName: z
      .string()
      .regex(DNS_LABEL, { error: DNS_LABEL_RULE })
      .optional()
      .describe('Secret in flux-system with Git credentials. Default: "flux-system" for ssh:// repositories, none for https://.'),
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
    cpu: quantity.default('4').describe('Total CPU requests and limits of the namespace.'),
    memory: quantity.default('8Gi').describe('Total memory requests and limits of the namespace.'),
    storage: quantity.default('50Gi').describe('Total storage requested by persistent volume claims.'),
    pods: z.int({ error: 'is not a whole number' }).min(1, { error: 'must be at least 1' }).default(50).describe('Maximum number of pods.'),
  })
  .describe('ResourceQuota of the tenant namespace.');

const tenant = z.strictObject({
  name: dnsLabel().describe('Namespace of the tenant.'),
  adminGroups: z.array(z.string().min(1, { error: 'must not be empty' })).default([]).describe('OIDC groups that administer the namespace.'),
  viewGroups: z.array(z.string().min(1, { error: 'must not be empty' })).default([]).describe('OIDC groups with read-only access to the namespace.'),
  quota: quota.prefault({}),
});

/** Settings block of a capability that has none yet: present so later capabilities extend it, strict so typos fail. */
const capability = (what: string) => z.strictObject({}).default({}).describe(`Settings of ${what}.`);

export const ClusterConfigSchema = z
  .strictObject({
    name: dnsLabel().describe('Cluster name; must equal the name of its folder under clusters/.'),
    profile: z.enum(['workload', 'service'], { error: 'is not a cluster profile' }).describe('workload runs tenant apps and agents; service runs log store, metrics, registry and SSO.'),
    environment: dnsLabel().describe('Environment this cluster belongs to, e.g. production or staging.'),
    kubernetesVersion: z
      .string()
      .regex(/^1\.[0-9]{1,2}(\.[0-9]{1,3})?$/, { error: 'is not a Kubernetes version (1.MINOR or 1.MINOR.PATCH, e.g. 1.33)' })
      .describe('Kubernetes version of the cluster; selects the schemas used for validation.'),
    domain: domain.describe('Base DNS domain of the cluster; platform endpoints live below it.'),
    serviceCluster: dnsLabel().optional().describe('For a workload cluster: the service cluster that receives its logs, metrics and alerts.'),
    gitops,
    sops: sops.prefault({}),
    tenants: z.array(tenant).default([]).describe('Tenant namespaces.'),
    ingress: capability('ingress and certificates'),
    policy: capability('admission policies'),
    ids: capability('intrusion detection'),
    observability: capability('metrics and alerting'),
    logging: capability('log shipping and storage'),
    backup: capability('backups'),
    identity: capability('single sign-on'),
    registry: capability('the container registry'),
  })
  .describe('A cluster of the platform. Everything else in the cluster folder is generated by `ck8s synth`.');

/** The cluster config as written in cluster.yaml. */
export type ClusterConfigInput = z.input<typeof ClusterConfigSchema>;
/** The cluster config with every default applied. */
export type ClusterConfig = z.output<typeof ClusterConfigSchema>;
export type TenantConfig = ClusterConfig['tenants'][number];

/** Namespaces the platform owns; a tenant cannot take one of these names. */
export const RESERVED_NAMESPACES: readonly string[] = ['default', 'flux-system', 'kube-node-lease', 'kube-public', 'kube-system'];

/** The JSON Schema of cluster.yaml, for editors (yaml-language-server) and other tools. */
export function clusterConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ClusterConfigSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://ck8s.io/schemas/cluster.schema.json', title: 'ck8s cluster configuration' };
}
