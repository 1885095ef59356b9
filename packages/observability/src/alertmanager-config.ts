import { type ClusterConfig, HEARTBEAT_RECEIVER, NULL_RECEIVER, type RequiredSecret } from '@ck8s/core';
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

/** Receiver that drops what it gets: the InfoInhibitor helper alert goes here, as in the chart's default configuration. */
export { NULL_RECEIVER };

/**
 * Receiver of the Watchdog alert, which always fires while Prometheus evaluates rules and
 * Alertmanager sends: a webhook to a dead man's switch (a monitoring service's heartbeat endpoint)
 * that raises the alarm, outside the platform, when the pings stop.
 */
export { HEARTBEAT_RECEIVER };

/** sops Secret in the monitoring namespace with the heartbeat endpoint's URL (key `url`), a credential. */
export const HEARTBEAT_SECRET = 'alertmanager-heartbeat';

/**
 * What `ck8s init` writes as the heartbeat URL until the operator sets the real one (`ck8s secrets
 * set <cluster> monitoring/alertmanager-heartbeat --stdin url`): a name under `.invalid`, which never
 * resolves (RFC 2606), so a forgotten placeholder pings nobody and Alertmanager counts the failures.
 */
export const HEARTBEAT_PLACEHOLDER_URL = 'https://heartbeat.invalid/replace-with-your-heartbeat-url';

/**
 * How often the heartbeat is sent. Alertmanager re-sends a firing group every `repeat_interval`,
 * checked at each `group_interval`: a ping every 5 to 6 minutes. Configure the dead man's switch to
 * expect one every 5 minutes with a grace period of at least 10.
 */
export const HEARTBEAT_INTERVAL = { groupInterval: '1m', repeatInterval: '5m' } as const;

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
  const receiverSecrets = secrets.map((name): RequiredSecret => ({
    namespace: MONITORING_NAMESPACE,
    name,
    keys: keys.get(name)!,
    purpose: `credentials of the Alertmanager receiver(s) ${receivers
      .filter((r) => r.secret === name)
      .map((r) => `${r.name} (${r.type})`)
      .join(', ')}`,
    generate: (context) => Object.fromEntries(keys.get(name)!.map((key) => [key, context.outside(`alert-receiver/${key}`)])),
  }));
  const heartbeatSecret: RequiredSecret = {
    namespace: MONITORING_NAMESPACE,
    name: HEARTBEAT_SECRET,
    keys: ['url'],
    purpose: "URL of the dead man's switch the Watchdog heartbeat pings",
    // a placeholder until the operator sets the monitoring service's URL
    generate: () => ({ url: HEARTBEAT_PLACEHOLDER_URL }),
  };
  const requiredSecrets = [...receiverSecrets, heartbeatSecret];

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
      routes: [
        // the dead man's switch: sent at once, then again every few minutes while it fires (always)
        {
          receiver: HEARTBEAT_RECEIVER,
          matchers: ['alertname = "Watchdog"'],
          group_by: ['cluster'],
          group_wait: '0s',
          group_interval: HEARTBEAT_INTERVAL.groupInterval,
          repeat_interval: HEARTBEAT_INTERVAL.repeatInterval,
        },
        { receiver: NULL_RECEIVER, matchers: ['alertname = "InfoInhibitor"'] },
      ],
    },
    inhibit_rules: inhibitRules,
    receivers: [
      ...receivers.map(receiverConfig),
      // a heartbeat never resolves while things work: no resolved message
      { name: HEARTBEAT_RECEIVER, webhook_configs: [{ url_file: `${ALERTMANAGER_SECRETS_DIR}/${HEARTBEAT_SECRET}/url`, send_resolved: false }] },
      { name: NULL_RECEIVER },
    ],
    templates: ['/etc/alertmanager/config/*.tmpl'],
  };
  return { config, secrets: [...secrets, HEARTBEAT_SECRET], requiredSecrets };
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
