import type { ClusterConfigInput } from '@ck8s/core';
import { stringify } from 'yaml';
import type { InitAnswers } from './init-questions.js';

/** The Secrets the cluster.yaml written by init refers to for outside credentials. */
export const INIT_SECRETS = {
  /** Credentials of the alert receiver, in namespace monitoring. */
  receiver: (receiverName: string) => `alertmanager-${receiverName}`,
  /** Credentials of the upstream identity provider, in namespace dex. */
  connector: (connectorId: string) => `dex-${connectorId}`,
} as const;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** The cluster config the onboarding answers describe, as it is written to cluster.yaml (defaults left out). */
export function clusterConfigFromAnswers(name: string, a: InitAnswers): ClusterConfigInput {
  const profile = a.profile as 'workload' | 'service';
  const storage = (bucket: string) => ({ endpoint: a.s3Endpoint!, bucket, region: a.s3Region! });
  const network = {
    ...(a.apiServerCidrs ? { apiServer: { cidrs: list(a.apiServerCidrs) } } : {}),
    ...(a.serviceClusterCidrs ? { serviceClusterCidrs: list(a.serviceClusterCidrs) } : {}),
    ...(a.objectStorageCidrs ? { objectStorageCidrs: list(a.objectStorageCidrs) } : {}),
  };
  const config: Record<string, unknown> = {
    name,
    profile,
    environment: a.environment,
    customer: a.customer,
    kubernetesVersion: a.kubernetesVersion,
    domain: `${a.dnsLabel}.${a.baseDomain}`,
    ...(profile === 'workload' ? { serviceCluster: a.serviceCluster } : {}),
    gitops: { engine: 'flux', repository: a.gitRepository, branch: a.gitBranch },
    sops: { ageRecipients: [] },
    ...(profile === 'workload' ? { tenants: [] } : {}),
    rbac: { operatorGroups: list(a.operatorGroups) },
    certificates: { issuer: a.certificateIssuer, ...(a.acmeEmail ? { acmeEmail: a.acmeEmail } : {}) },
    ...(Object.keys(network).length > 0 ? { network } : {}),
    backup: { objectStorage: storage(a.backupBucket!) },
  };
  if (profile === 'service') {
    const receiver: Record<string, unknown> = { name: a.receiverName, type: a.receiverType, secret: INIT_SECRETS.receiver(a.receiverName!) };
    if (a.receiverType === 'slack') receiver.channel = a.slackChannel;
    if (a.receiverType === 'email')
      Object.assign(receiver, { to: a.emailTo, from: a.emailFrom, smarthost: a.smarthost, ...(a.smtpUsername ? { username: a.smtpUsername } : {}) });
    const connector: Record<string, unknown> = { type: a.idpType, id: a.idpId, name: a.idpName, secret: INIT_SECRETS.connector(a.idpId!) };
    if (a.idpType === 'oidc') connector.issuer = a.idpIssuer;
    if (a.idpType === 'saml') connector.ssoUrl = a.idpSsoUrl;
    if (a.idpType === 'ldap') Object.assign(connector, { host: a.idpHost, userBaseDn: a.idpUserBaseDn, groupBaseDn: a.idpGroupBaseDn });
    config.observability = { receivers: [receiver] };
    config.registry = { storage: storage(a.registryBucket!) };
    config.identity = { connectors: [connector] };
  }
  return config as ClusterConfigInput;
}

/** cluster.yaml text: the editor schema modeline, a header saying what the file is, then the config. */
export function renderClusterDocument(config: ClusterConfigInput): string {
  const role =
    config.profile === 'service'
      ? `# A service cluster of ${config.customer}: log store, metrics, dashboards, alerting, registry and SSO\n# for its workload clusters.`
      : `# A workload cluster of ${config.customer}: runs the tenants' applications and the agents that must\n# run next to them.`;
  return [
    '# yaml-language-server: $schema=../../packages/core/schema/cluster.schema.json',
    role,
    '# Created by `ck8s init`; edit it and run `ck8s synth`. Everything else in this folder is generated.',
    stringify(config, { lineWidth: 0 }),
  ].join('\n');
}
