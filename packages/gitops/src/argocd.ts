import {
  ARGOCD_NAMESPACE,
  type ChartCatalog,
  Component,
  containerResources,
  HelmChart,
  type Pods,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  SOPS_AGE_SECRET,
  SOPS_PLUGIN,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { ARGOCD_ALERTS, ARGOCD_CONTROLLER_METRICS } from './argocd-alerts.js';
import { ARGOCD_DASHBOARD, ARGOCD_REPO_SERVER_METRICS } from './argocd-dashboard.js';
import type { ArgoCdValues, ConfigManagementPluginSpec } from './argocd-values.js';

/** Argo CD's workloads, as the argo-cd chart labels them (release `argocd`). */
const pods = (name: string): Pods => ({
  name: `argocd-${name}`,
  namespace: ARGOCD_NAMESPACE,
  labels: { 'app.kubernetes.io/name': `argocd-${name}` },
});
export const ARGOCD_CONTROLLER_PODS = pods('application-controller');
export const ARGOCD_REPO_SERVER_PODS = pods('repo-server');
export const ARGOCD_REDIS_PODS = pods('redis');
export const ARGOCD_APPLICATIONSET_PODS = pods('applicationset-controller');
const ARGOCD_SERVER_PODS = pods('server');

/** The Secret holding Redis's password (key `auth`), as the chart reads it; kept in sops. */
export const ARGOCD_REDIS_SECRET = 'argocd-redis';

/** Key of the `sops-age` Secret holding the cluster's age private key (as for Flux). */
const AGE_KEY = 'age.agekey';
const AGE_KEY_DIR = '/home/argocd/sops-age';

/**
 * The sops plugin: prints every YAML file of the synced folder but `kustomization.yaml` (the
 * layer's file list, which Flux reads), each `*.sops.yaml` decrypted with the age key only this
 * sidecar mounts. POSIX sh in the sops image, no other tool.
 */
export const SOPS_PLUGIN_SPEC: ConfigManagementPluginSpec = {
  generate: {
    command: ['sh', '-c'],
    args: [
      [
        'set -eu',
        "find . -name '*.yaml' ! -name kustomization.yaml | LC_ALL=C sort | while read -r f; do",
        "  echo '---'",
        '  case "$f" in *.sops.yaml) sops --decrypt "$f" ;; *) cat "$f" ;; esac',
        'done',
      ].join('\n'),
    ],
  },
};

export interface ArgoCdProps {
  readonly catalog: ChartCatalog;
  /** URL of the fleet repository: the repo-server reaches its git server on 443, or 22 for `ssh://`. */
  readonly repository: string;
  /** The sops image of the plugin sidecar (its `sh` and `sops`). @default 'ghcr.io/getsops/sops:v3.13.3-alpine' */
  readonly sopsImage?: string;
}

/**
 * Argo CD itself (`argocd/argocd.yaml`): the argo-cd chart in its own hardened namespace, managed
 * by the platform like Flux's installation (bootstrap installs the same chart with the same values
 * once). Hardened:
 * - core mode: no API server replicas, no Dex, no notifications; operators use `argocd --core`
 *   (their own Kubernetes rights), so nothing but the application-controller talks to the repo-server;
 * - Redis requires a password, kept like every other credential in a sops file
 *   (`argocd.argocd-redis.sops.yaml`, key `auth`; the chart's Job that would generate it in the
 *   cluster needs rights to write Secrets next to the age key and is off), and is reachable only
 *   from the controller and the repo-server, the Argo CD processes that use the manifest cache;
 * - the repo-server is reachable only from the application-controller; its sops sidecar alone
 *   mounts the `sops-age` key; the chart's own NetworkPolicies are replaced by the platform's,
 *   derived from the flows declared here;
 * - the Application health assessment is restored (argocd-cm), so a layer's Application is healthy
 *   only when the Applications of its charts are, and a sync wave waits for it.
 */
export class ArgoCd extends Component {
  constructor(scope: Construct, id: string, props: ArgoCdProps) {
    super(scope, id, { layer: 'flux-system' });
    this.addNamespace({ name: ARGOCD_NAMESPACE });
    this.requireSecret({
      namespace: ARGOCD_NAMESPACE,
      name: ARGOCD_REDIS_SECRET,
      keys: ['auth'],
      purpose: "password of Argo CD's Redis, which caches the decrypted manifests (a long random string)",
    });
    const container = restrictedContainerSecurityContext({ runAsUser: 999, runAsGroup: 999 });
    const values: ArgoCdValues = {
      global: { networkPolicy: { create: false }, securityContext: restrictedPodSecurityContext({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 }) },
      configs: {
        cm: {
          'admin.enabled': false,
          'exec.enabled': false,
          // Argo CD 1.8 dropped the health of an Application; app-of-apps waves need it back
          'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH,
        },
        params: { 'server.insecure': false },
        cmp: { create: true, plugins: { [SOPS_PLUGIN]: SOPS_PLUGIN_SPEC } },
      },
      controller: { containerSecurityContext: container, resources: containerResources('250m', '512Mi', '1Gi'), metrics: { enabled: true } },
      repoServer: {
        containerSecurityContext: container,
        resources: containerResources('100m', '256Mi', '1Gi'),
        copyutil: { resources: containerResources('10m', '32Mi', '64Mi') },
        metrics: { enabled: true },
        extraContainers: [
          {
            name: `cmp-${SOPS_PLUGIN}`,
            image: props.sopsImage ?? 'ghcr.io/getsops/sops:v3.13.3-alpine',
            command: ['/var/run/argocd/argocd-cmp-server'],
            env: [{ name: 'SOPS_AGE_KEY_FILE', value: `${AGE_KEY_DIR}/${AGE_KEY}` }],
            securityContext: container,
            resources: containerResources('50m', '64Mi', '256Mi'),
            volumeMounts: [
              { name: 'var-files', mountPath: '/var/run/argocd' },
              { name: 'plugins', mountPath: '/home/argocd/cmp-server/plugins' },
              { name: 'cmp-plugin', mountPath: '/home/argocd/cmp-server/config/plugin.yaml', subPath: `${SOPS_PLUGIN}.yaml` },
              { name: 'cmp-tmp', mountPath: '/tmp' },
              { name: SOPS_AGE_SECRET, mountPath: AGE_KEY_DIR, readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: 'cmp-plugin', configMap: { name: 'argocd-cmp-cm' } },
          { name: 'cmp-tmp', emptyDir: {} },
          { name: SOPS_AGE_SECRET, secret: { secretName: SOPS_AGE_SECRET, items: [{ key: AGE_KEY, path: AGE_KEY }] } },
        ],
      },
      // core mode: the API server and UI stay off (see above)
      server: { replicas: 0, containerSecurityContext: container, resources: containerResources('50m', '128Mi', '256Mi') },
      redis: {
        containerSecurityContext: container,
        resources: containerResources('50m', '128Mi', '512Mi'),
        exporter: { enabled: true, resources: containerResources('10m', '32Mi', '64Mi') },
      },
      redisSecretInit: { enabled: false },
      dex: { enabled: false },
      notifications: { enabled: false },
      // no ApplicationSets: the platform's Applications are generated; the chart has no switch
      applicationSet: { replicas: 0, containerSecurityContext: container, resources: containerResources('10m', '64Mi', '128Mi') },
    };
    new HelmChart(this, 'chart', {
      catalog: props.catalog,
      chart: 'argo-cd',
      namespace: ARGOCD_NAMESPACE,
      releaseName: 'argocd',
      values,
      expects: {
        workloads: [
          'StatefulSet/argocd-application-controller',
          'Deployment/argocd-repo-server',
          'Deployment/argocd-server',
          'Deployment/argocd-redis',
          'Deployment/argocd-applicationset-controller',
        ],
        clusterObjects: [
          'ClusterRole/argocd-application-controller',
          'ClusterRoleBinding/argocd-application-controller',
          'ClusterRole/argocd-server',
          'ClusterRoleBinding/argocd-server',
        ],
      },
    });

    this.addFlow({ from: ARGOCD_CONTROLLER_PODS, to: { peer: 'api-server' }, name: 'allow-controller-to-api-server' });
    this.addFlow({ from: ARGOCD_CONTROLLER_PODS, to: ARGOCD_REPO_SERVER_PODS, ports: [{ port: 8081 }] });
    this.addFlow({ from: ARGOCD_CONTROLLER_PODS, to: ARGOCD_REDIS_PODS, ports: [{ port: 6379 }] });
    this.addFlow({ from: ARGOCD_REPO_SERVER_PODS, to: ARGOCD_REDIS_PODS, ports: [{ port: 6379 }] });
    const ssh = props.repository.startsWith('ssh://');
    this.addFlow({
      from: ARGOCD_REPO_SERVER_PODS,
      to: { peer: 'internet', reason: 'the fleet git repository and the chart repositories of the catalog' },
      ports: [{ port: 443 }, ...(ssh ? [{ port: 22 }] : [])],
      name: 'allow-repo-server-to-repositories',
    });
    // the repo-server reads its Role's Secrets and ConfigMaps; the server and the ApplicationSet controller (no replicas) would watch Applications
    this.addFlow({ from: ARGOCD_REPO_SERVER_PODS, to: { peer: 'api-server' }, name: 'allow-repo-server-to-api-server' });
    this.addFlow({ from: ARGOCD_SERVER_PODS, to: { peer: 'api-server' }, name: 'allow-server-to-api-server' });
    this.addFlow({ from: ARGOCD_APPLICATIONSET_PODS, to: { peer: 'api-server' }, name: 'allow-applicationset-to-api-server' });
    this.addMetrics({ name: ARGOCD_CONTROLLER_METRICS, pods: ARGOCD_CONTROLLER_PODS, port: 8082 });
    this.addMetrics({ name: ARGOCD_REPO_SERVER_METRICS, pods: ARGOCD_REPO_SERVER_PODS, port: 8084 });
    this.addMetrics({ name: 'argocd-redis', pods: ARGOCD_REDIS_PODS, port: 9121 });
    this.addAlerts(ARGOCD_ALERTS);
    this.addDashboard(ARGOCD_DASHBOARD);
  }
}

/**
 * Health of an Application, as Argo CD computed it before 1.8 (its documented customisation):
 * Healthy only when the Application's own health is, Progressing while it has none yet.
 */
const APPLICATION_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;
