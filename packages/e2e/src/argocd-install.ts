// What installing Argo CD puts in a cluster before its processes run, as test fixtures written from
// Argo CD's documentation (operator manual, "Declarative Setup"): its namespace, the
// application-controller's ServiceAccount with the cluster-wide rights its install manifests give
// it, and the settings ConfigMaps and Secret every Argo CD process reads (argocd-cm with the
// platform's generated settings, argocd-secret, argocd-rbac-cm). The harness runs the
// application-controller, the repo-server and the cmp-server as local processes.
import type { KubeObject } from './kube-client.js';

export const ARGOCD_NAMESPACE = 'argocd';

/** The account the application-controller applies everything as (the argo-cd chart's name). */
export const ARGOCD_CONTROLLER = 'argocd-application-controller';

const LABELS = { 'app.kubernetes.io/part-of': 'argocd' };

/**
 * The namespace, the controller's ServiceAccount and its rights, and the settings objects.
 * @param settings data of argocd-cm (the platform's generated `configs.cm`); values are stringified as the chart does
 */
export function argoCdInstall(settings: Record<string, unknown>): KubeObject[] {
  const data = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ARGOCD_NAMESPACE } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: ARGOCD_CONTROLLER, namespace: ARGOCD_NAMESPACE, labels: LABELS } },
    // the install manifests' cluster role of the controller: everything, everywhere (it syncs any kind)
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: ARGOCD_CONTROLLER, labels: LABELS },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: ARGOCD_CONTROLLER, labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: ARGOCD_CONTROLLER },
      subjects: [{ kind: 'ServiceAccount', name: ARGOCD_CONTROLLER, namespace: ARGOCD_NAMESPACE }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-cm', namespace: ARGOCD_NAMESPACE, labels: { ...LABELS, 'app.kubernetes.io/name': 'argocd-cm' } },
      data,
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-rbac-cm', namespace: ARGOCD_NAMESPACE, labels: { ...LABELS, 'app.kubernetes.io/name': 'argocd-rbac-cm' } },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'argocd-secret', namespace: ARGOCD_NAMESPACE, labels: { ...LABELS, 'app.kubernetes.io/name': 'argocd-secret' } },
      type: 'Opaque',
    },
  ];
}

/**
 * A config-management plugin's configuration file, as the argo-cd chart writes each entry of
 * `configs.cmp.plugins` into argocd-cmp-cm for the sidecar to mount as `plugin.yaml`.
 */
export function pluginConfig(name: string, spec: unknown): KubeObject {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'ConfigManagementPlugin', metadata: { name }, spec };
}

/** Ports and files of the Argo CD processes (all on 127.0.0.1). */
export interface ArgoCdLayout {
  dir: string;
  apiserverPort: number;
  redisPort: number;
  repoServerPort: number;
  repoServerMetricsPort: number;
  controllerMetricsPort: number;
}

/** Files of an Argo CD layout. */
export function argoCdFiles(layout: ArgoCdLayout) {
  const d = layout.dir;
  return {
    redisConfig: `${d}/redis.conf`,
    redisData: `${d}/redis`,
    /** The cmp-server's plugin.yaml goes here (`--config-dir-path`). */
    pluginConfigDir: `${d}/cmp-config`,
    /** The cmp-server listens here on `<plugin>.sock`; the repo-server finds it there. */
    pluginSockets: `${d}/plugins`,
    askPassSocket: `${d}/askpass.sock`,
    controllerKubeconfig: `${d}/controller.kubeconfig`,
    /** Unix sockets the controller's network namespace reaches 127.0.0.1 ports of the host through. */
    relay: `${d}/relay`,
  };
}

/** Debian's redis-server on loopback only, with a password, nothing written to disk. */
export function redisConfig(layout: ArgoCdLayout, password: string): string {
  const f = argoCdFiles(layout);
  return [
    'bind 127.0.0.1',
    `port ${layout.redisPort}`,
    'protected-mode yes',
    `requirepass ${password}`,
    'save ""',
    'appendonly no',
    `dir ${f.redisData}`,
    '',
  ].join('\n');
}

/** The repo-server: plain gRPC on loopback (the controller is its only client), metrics on loopback. */
export function repoServerArgs(layout: ArgoCdLayout): string[] {
  return [
    '--address=127.0.0.1',
    `--port=${layout.repoServerPort}`,
    '--metrics-address=127.0.0.1',
    `--metrics-port=${layout.repoServerMetricsPort}`,
    '--disable-tls',
    // no client certificates without TLS
    '--client-ca-path=',
    `--redis=127.0.0.1:${layout.redisPort}`,
    '--logformat=text',
  ];
}

/** The cmp-server of the sops plugin. */
export function cmpServerArgs(layout: ArgoCdLayout): string[] {
  return [`--config-dir-path=${argoCdFiles(layout).pluginConfigDir}`, '--logformat=text'];
}

/**
 * The application-controller. Its metrics server listens on 0.0.0.0 (not configurable), so it
 * runs in a network namespace of its own and reaches the API server, the repo-server and Redis
 * through relays on the same 127.0.0.1 ports.
 */
export function controllerArgs(layout: ArgoCdLayout): string[] {
  return [
    `--repo-server=127.0.0.1:${layout.repoServerPort}`,
    '--repo-server-plaintext',
    `--redis=127.0.0.1:${layout.redisPort}`,
    `--metrics-port=${layout.controllerMetricsPort}`,
    '--logformat=text',
  ];
}

/** Relay run by node inside the controller's network namespace: each 127.0.0.1 port to `<dir>/<port>.sock`. */
export const NETNS_RELAY = `const net = require('node:net');
const [dir, ...ports] = process.argv.slice(1);
for (const port of ports) {
  net.createServer((c) => {
    const u = net.connect(dir + '/' + port + '.sock');
    c.pipe(u); u.pipe(c);
    c.on('error', () => u.destroy()); u.on('error', () => c.destroy());
  }).listen(Number(port), '127.0.0.1');
}`;
