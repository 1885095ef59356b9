import { type ClusterConfig, NULL_RECEIVER, type RequiredSecret } from '@ck8s/core';
import { MONITORING_NAMESPACE } from './monitoring-names.js';

export type ReceiverConfig = ClusterConfig['observability']['receivers'][number];
export type ReceiverType = ReceiverConfig['type'];

/** The key each receiver type reads from its sops Secret (as documented in cluster.yaml's schema). */
export const RECEIVER_SECRET_KEYS: Readonly<Record<ReceiverType, string>> = {
  slack: 'url',
  email: 'password',
  pagerduty: 'routing-key',
  webhook: 'url',
};

/** Where the Prometheus operator mounts the Secrets listed in `alertmanagerSpec.secrets`. */
export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';

/**
 * Receiver that drops what it gets: the Watchdog heartbeat (always firing, by design) and the
 * InfoInhibitor helper go here, as in the chart's default configuration, so they page nobody.
 */
export { NULL_RECEIVER };

/** The file Alertmanager reads a receiver's credential from. */
export function receiverCredentialFile(receiver: Pick<ReceiverConfig, 'type' | 'secret'>): string {
  return `${ALERTMANAGER_SECRETS_DIR}/${receiver.secret}/${RECEIVER_SECRET_KEYS[receiver.type]}`;
}

export interface AlertmanagerSetup {
  /** Alertmanager's configuration file (as chart values). Credentials appear only as file paths. */
  readonly config: Record<string, unknown>;
  /** Secrets to mount into the Alertmanager pods, in order of first use. */
  readonly secrets: readonly string[];
  /** The sops Secrets the receivers need, one entry per Secret with every key it must hold. */
  readonly requiredSecrets: readonly RequiredSecret[];
}

/**
 * Alertmanager's configuration from the receivers (`observability.receivers`, checked at load:
 * at least one, unique names, none called `null`, e-mail fields present): every alert goes to the
 * first receiver, grouped per cluster; each receiver reads its credential from its sops Secret
 * through Alertmanager's `*_file` fields, so no credential is ever part of the chart values.
 * Onboarding places the alert receiver's credential given as `alert-receiver/<key>`.
 */
export function alertmanagerSetup(receivers: readonly ReceiverConfig[]): AlertmanagerSetup {
  if (receivers.length === 0) throw new Error('alertmanager: at least one receiver is needed; Alertmanager sends every alert to the first one');
  const secrets: string[] = [];
  const keys = new Map<string, string[]>();
  for (const r of receivers) {
    if (!secrets.includes(r.secret)) secrets.push(r.secret);
    const list = keys.get(r.secret) ?? [];
    if (!list.includes(RECEIVER_SECRET_KEYS[r.type])) list.push(RECEIVER_SECRET_KEYS[r.type]);
    keys.set(r.secret, list);
  }
  const requiredSecrets = secrets.map((name): RequiredSecret => ({
    namespace: MONITORING_NAMESPACE,
    name,
    keys: keys.get(name)!,
    purpose: `credentials of the Alertmanager receiver(s) ${receivers
      .filter((r) => r.secret === name)
      .map((r) => `${r.name} (${r.type})`)
      .join(', ')}`,
    generate: (context) => Object.fromEntries(keys.get(name)!.map((key) => [key, context.outside(`alert-receiver/${key}`)])),
  }));

  // inhibition as in the chart's defaults, but never across clusters
  const inhibitRules = [
    { source_matchers: ['severity = critical'], target_matchers: ['severity =~ warning|info'], equal: ['cluster', 'namespace', 'alertname'] },
    { source_matchers: ['severity = warning'], target_matchers: ['severity = info'], equal: ['cluster', 'namespace', 'alertname'] },
    { source_matchers: ['alertname = InfoInhibitor'], target_matchers: ['severity = info'], equal: ['cluster', 'namespace'] },
    { target_matchers: ['alertname = InfoInhibitor'] },
  ];
  const config = {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: receivers[0]!.name,
      group_by: ['cluster', 'namespace', 'alertname'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '12h',
      routes: [{ receiver: NULL_RECEIVER, matchers: ['alertname =~ "Watchdog|InfoInhibitor"'] }],
    },
    inhibit_rules: inhibitRules,
    receivers: [...receivers.map(receiverConfig), { name: NULL_RECEIVER }],
    templates: ['/etc/alertmanager/config/*.tmpl'],
  };
  return { config, secrets, requiredSecrets };
}

function receiverConfig(r: ReceiverConfig): Record<string, unknown> {
  const credential = receiverCredentialFile(r);
  switch (r.type) {
    case 'slack':
      return { name: r.name, slack_configs: [{ api_url_file: credential, send_resolved: true, ...(r.channel ? { channel: r.channel } : {}) }] };
    case 'email':
      return {
        name: r.name,
        email_configs: [
          // the SMTP user defaults to the sender address, which most relays expect
          {
            to: r.to,
            from: r.from,
            smarthost: r.smarthost,
            auth_username: r.username ?? r.from,
            auth_password_file: credential,
            require_tls: true,
            send_resolved: true,
          },
        ],
      };
    case 'pagerduty':
      return { name: r.name, pagerduty_configs: [{ routing_key_file: credential, send_resolved: true }] };
    case 'webhook':
      return { name: r.name, webhook_configs: [{ url_file: credential, send_resolved: true }] };
  }
}

/** Ports Alertmanager must reach its receivers on: HTTPS, plus each e-mail receiver's SMTP port. */
export function receiverPorts(receivers: readonly ReceiverConfig[]): number[] {
  const ports = new Set<number>([443]);
  for (const r of receivers) {
    if (r.type === 'email' && r.smarthost) ports.add(Number(r.smarthost.split(':')[1]));
  }
  return [...ports].sort((a, b) => a - b);
}
