import {
  type ChartCatalog,
  Component,
  containerResources,
  HelmChart,
  oidcClientSecretId,
  PLATFORM_NAMESPACES,
  type Pods,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { HeadlampInitContainer, HeadlampValues } from './headlamp-values.js';
import { PLATFORM_LINKS_PLUGIN, type PlatformLink, platformLinksPlugin } from './platform-links-plugin.js';

/** Namespace of the enterprise UI. */
export const UI_NAMESPACE = PLATFORM_NAMESPACES.ui;
/** The chart's Service (named after the release) and its port. */
export const HEADLAMP_SERVICE = { name: 'headlamp', port: 80 } as const;
/** Headlamp's container port behind the Service. */
export const HEADLAMP_PORT = 4466;
/** Headlamp's OIDC callback path, appended to its external URL. */
export const HEADLAMP_CALLBACK_PATH = '/oidc-callback';
/** sops Secret with Headlamp's client secret at the identity provider. */
export const HEADLAMP_OIDC_SECRET = { name: 'headlamp-oidc', key: 'client-secret' } as const;
/**
 * Environment variable Headlamp reads its client secret from (Headlamp reads every setting from
 * `HEADLAMP_CONFIG_<flag>`): the value reaches neither the values, nor the pod spec, nor the command line.
 */
export const HEADLAMP_CLIENT_SECRET_ENV = 'HEADLAMP_CONFIG_OIDC_CLIENT_SECRET';
/** Where Headlamp loads plugins from: an emptyDir the plugin images are copied into. */
export const HEADLAMP_PLUGINS_DIR = '/headlamp/plugins';
/** ConfigMap with the links plugin (platformLinksPlugin). */
export const PLATFORM_LINKS_CONFIGMAP = 'headlamp-platform-links';

/**
 * Headlamp's Flux plugin as its maintainers publish it for deployments: an image whose `/plugins/flux`
 * is copied into the plugins directory by an init container, so nothing is downloaded at run time
 * (the chart's plugin manager would install from the internet with npx). Bump with the plugin's releases
 * (github.com/headlamp-k8s/plugins, tag flux-<version>; image tag v<version>).
 */
export const FLUX_PLUGIN_IMAGE = 'ghcr.io/headlamp-k8s/headlamp-plugin-flux:v0.7.0';

/** Headlamp's client id at the identity provider: one per cluster, as each cluster runs its own. */
export function headlampClientId(cluster: string): string {
  return `headlamp-${cluster}`;
}

/** Headlamp's pods, as the chart labels them. */
export const HEADLAMP_PODS: Pods = {
  name: 'headlamp',
  namespace: UI_NAMESPACE,
  labels: { 'app.kubernetes.io/name': 'headlamp', 'app.kubernetes.io/instance': 'headlamp' },
};

export interface HeadlampProps {
  readonly catalog: ChartCatalog;
  /** Host of the UI, e.g. `headlamp.<cluster domain>`. */
  readonly host: string;
  /** The cluster, as the UI names it. */
  readonly clusterName: string;
  /** The OIDC issuer people sign in at (the service cluster's identity provider). */
  readonly issuer: string;
  /** Headlamp's own client id at the issuer. */
  readonly clientId: string;
  /** Client id of this cluster's API server at the issuer: Headlamp asks for ID tokens with it as audience and passes them on. */
  readonly apiClientId: string;
  /** Links to the platform's tools in the sidebar, in this order. @default none */
  readonly links?: readonly PlatformLink[];
  /** Load Headlamp's Flux plugin (for clusters Flux syncs). @default true */
  readonly fluxPlugin?: boolean;
  /** Replicas; Headlamp keeps a login in progress in memory, so more need session affinity. @default 1 */
  readonly replicas?: number;
}

/**
 * The enterprise UI (`controllers/headlamp.yaml`): Headlamp in the restricted `headlamp` namespace at
 * `https://<host>`, behind the platform's ingress with a certificate (both derived from the endpoint).
 *
 * - Sign-in: Headlamp is its own confidential client at the identity provider (`clientId`, callback
 *   `https://<host>/oidc-callback`, PKCE). It asks for the scope `audience:server:client_id:<apiClientId>`,
 *   so the identity provider (which lets the API server's client trust Headlamp's, see OidcClient.tokenAudiences)
 *   issues ID tokens whose audience includes the API server's client; Headlamp sends the person's token
 *   with every request, so a person sees and changes exactly what their RBAC allows, and the API
 *   server's audit log names them.
 * - Headlamp's own service account is bound to nothing: the chart's ClusterRoleBinding (to
 *   `cluster-admin` by default) is switched off. Its token stays mounted because Headlamp reads the
 *   API server's address and CA the in-cluster way, but it grants nothing beyond what every account has.
 * - Plugins: the Flux plugin (FLUX_PLUGIN_IMAGE, copied by an init container) shows the Flux objects a person may read; the
 *   links plugin (ConfigMap `headlamp-platform-links`) adds sidebar links to the platform's tools.
 * - The client secret is the sops Secret `headlamp/headlamp-oidc`, equal to the key `<clientId>` of
 *   the service cluster's `dex/dex-client-secrets` (onboarding generates one value for both).
 *
 * Network: the ingress controller reaches Headlamp on 4466; Headlamp reaches the API server and the
 * identity provider (its discovery, keys and token endpoint), nothing else.
 */
export class Headlamp extends Component {
  constructor(scope: Construct, id: string, props: HeadlampProps) {
    super(scope, id, { layer: 'controllers' });
    const namespace = UI_NAMESPACE;
    const { host, clientId, issuer } = props;
    this.addNamespace({ name: namespace });

    this.requireSecret({
      namespace,
      name: HEADLAMP_OIDC_SECRET.name,
      keys: [HEADLAMP_OIDC_SECRET.key],
      purpose: `client secret of the OIDC client "${clientId}" at ${issuer} (equal to the key ${clientId} of the service cluster's dex/dex-client-secrets)`,
      generate: (context) => ({ [HEADLAMP_OIDC_SECRET.key]: context.shared(oidcClientSecretId(clientId)) }),
    });

    const links = props.links ?? [];
    const plugin = platformLinksPlugin(links);
    new ApiObject(this, 'platform-links', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: PLATFORM_LINKS_CONFIGMAP, namespace },
      data: { ...plugin },
    });

    const initContainers: HeadlampInitContainer[] =
      (props.fluxPlugin ?? true)
        ? [
            {
              name: 'flux-plugin',
              image: FLUX_PLUGIN_IMAGE,
              command: ['/bin/sh', '-c', `cp -R /plugins/flux ${HEADLAMP_PLUGINS_DIR}/`],
              volumeMounts: [{ name: 'plugins', mountPath: HEADLAMP_PLUGINS_DIR }],
              securityContext: restrictedContainerSecurityContext({ runAsUser: 100, runAsGroup: 101 }),
              resources: containerResources('10m', '16Mi', '64Mi'),
            },
          ]
        : [];

    new HelmChart<HeadlampValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'headlamp',
      namespace,
      // no cluster-scoped object: the chart's binding of its account to cluster-admin is off
      expects: { workloads: ['Deployment/headlamp'] },
      values: {
        replicaCount: props.replicas ?? 1,
        config: {
          inCluster: true,
          inClusterContextName: props.clusterName,
          // as long as the identity provider's refresh tokens (12 hours)
          sessionTTL: 43200,
          oidc: {
            secret: { create: false },
            clientID: clientId,
            issuerURL: issuer,
            scopes: ['profile', 'email', 'groups', 'offline_access', `audience:server:client_id:${props.apiClientId}`].join(','),
            callbackURL: `https://${host}${HEADLAMP_CALLBACK_PATH}`,
            usePKCE: true,
          },
          pluginsDir: HEADLAMP_PLUGINS_DIR,
        },
        env: [{ name: HEADLAMP_CLIENT_SECRET_ENV, valueFrom: { secretKeyRef: { name: HEADLAMP_OIDC_SECRET.name, key: HEADLAMP_OIDC_SECRET.key } } }],
        initContainers,
        // in-cluster mode reads the API server's CA and address from the mounted account; the account has no binding
        automountServiceAccountToken: true,
        serviceAccount: { create: true },
        clusterRoleBinding: { create: false },
        // the image's user headlamp (100, group 101); the plugins volume is writable for the group
        podSecurityContext: restrictedPodSecurityContext({ runAsUser: 100, runAsGroup: 101, fsGroup: 101 }),
        securityContext: restrictedContainerSecurityContext({ runAsUser: 100, runAsGroup: 101 }),
        resources: containerResources('50m', '64Mi', '256Mi'),
        volumes: [
          { name: 'plugins', emptyDir: {} },
          { name: 'platform-links', configMap: { name: PLATFORM_LINKS_CONFIGMAP } },
        ],
        volumeMounts: [
          { name: 'plugins', mountPath: HEADLAMP_PLUGINS_DIR },
          { name: 'platform-links', mountPath: `${HEADLAMP_PLUGINS_DIR}/${PLATFORM_LINKS_PLUGIN}`, readOnly: true },
        ],
        // Ingress and Certificate are derived from the endpoint declared below
        ingress: { enabled: false },
      },
    });

    this.addEndpoint({
      name: 'headlamp',
      host,
      pods: HEADLAMP_PODS,
      service: { ...HEADLAMP_SERVICE },
      targetPort: HEADLAMP_PORT,
    });
    this.addOidcClient({
      id: clientId,
      name: `Headlamp (${props.clusterName})`,
      redirectURIs: [`https://${host}${HEADLAMP_CALLBACK_PATH}`],
      tokenAudiences: [props.apiClientId],
    });
    this.addFlow({ from: HEADLAMP_PODS, to: { peer: 'api-server' } });
    this.addFlow({ from: HEADLAMP_PODS, to: { peer: 'identity-provider' } });
  }
}
