import {
  type ChartCatalog,
  type ClusterConfig,
  Component,
  ConfigError,
  type Fleet,
  HardenedNamespace,
  HelmChart,
  NetworkAllow,
  type NetworkPeer,
  PLATFORM_NAMESPACES,
  serviceClusterPeer,
  serviceEndpoints,
} from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { applyProjectsScript, REGISTRY_CONFIGURATION_FILES } from './apply-projects-script.js';
import { HARBOR_OIDC_CLIENT_ID, HARBOR_OIDC_SECRET, HARBOR_OIDC_SECRET_ENV, harborOidcSettings } from './harbor-oidc.js';
import type { HarborValues } from './harbor-values.js';
import { type RegistryConfiguration, registryConfiguration } from './registry-configuration.js';
import { HARBOR_NGINX_PORT, REGISTRY_NAMESPACE, type RegistryEndpoint, registryEndpoints } from './registry-endpoints.js';

export interface RegistryProps {
  /** A service cluster. */
  readonly cluster: ClusterConfig;
  /** The fleet: every tenant of this service cluster's workload clusters gets a project. */
  readonly fleet: Fleet;
  readonly catalog: ChartCatalog;
  /** Pod Security Standards version of the `harbor` namespace, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
  /** Replicas of Harbor's stateless parts (core, portal, registry). @default 2 */
  readonly replicas?: number;
}

/** The sops Secrets of the registry in namespace harbor; `keys` are what each must hold. */
export const REGISTRY_SECRETS = {
  /** Access key of the image bucket, read by the registry as environment variables. */
  s3: { name: 'harbor-s3', keys: ['REGISTRY_STORAGE_S3_ACCESSKEY', 'REGISTRY_STORAGE_S3_SECRETKEY'] },
  /** Initial password of Harbor's `admin` (the break-glass login; people use single sign-on). */
  admin: { name: 'harbor-admin', keys: ['HARBOR_ADMIN_PASSWORD'] },
  /** Harbor's client secret at the identity provider: the key `harbor` of `dex/dex-client-secrets`. */
  oidc: { name: HARBOR_OIDC_SECRET.name, keys: [HARBOR_OIDC_SECRET.key] },
  /** 16 characters that encrypt the credentials Harbor stores (robot and replication secrets); the chart's default is public. */
  secretKey: { name: 'harbor-secret-key', keys: ['secretKey'] },
  /** Core's account at the registry: the password and its bcrypt htpasswd line for user `harbor_registry_user`; the chart's default is public. */
  registryCredentials: { name: 'harbor-registry-credentials', keys: ['REGISTRY_PASSWD', 'REGISTRY_HTPASSWD'] },
  /** Password of Harbor's internal PostgreSQL (the chart's default is public), merged into the values by Flux. */
  database: { name: 'harbor-database', keys: ['password'] },
} as const;

/** ConfigMap with the projects and robot accounts (registryConfiguration) and the script that applies them. */
export const REGISTRY_CONFIGURATION_CONFIGMAP = 'harbor-projects';

/** Ports Harbor's components serve each other on: core, portal, jobservice, registryctl and Trivy 8080, registry 5000, PostgreSQL 5432, Redis 6379. */
export const HARBOR_INTERNAL_PORTS: readonly number[] = [5000, 5432, 6379, 8080];

/** Pods of one Harbor component, as the chart labels them (`app: harbor`, `component: <name>`). */
function harborPods(component: 'nginx' | 'core' | 'registry' | 'trivy'): Record<string, string> {
  return { app: 'harbor', component };
}

/** The ingress-nginx controller pods, as that chart labels them. */
const INGRESS_CONTROLLER: NetworkPeer = {
  namespace: PLATFORM_NAMESPACES.ingress,
  podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
};

/**
 * The private container registry of a service cluster (`controllers/harbor.yaml`): Harbor in the
 * restricted `harbor` namespace at `https://registry.<domain>`, the registry tenant images of its
 * workload clusters must come from (registryHost; the admission policies' default allowed registry).
 *
 * - Exposed as a ClusterIP Service (`harbor:80`, Harbor's own nginx) behind the platform's ingress,
 *   which terminates TLS: see `endpoints` (the Ingress needs the body-size and timeout annotations
 *   listed there, and the ingress controller reaches the nginx pods on 8080).
 * - Images live in the S3 bucket of `registry.storage` (keys from `harbor/harbor-s3`); redirects are
 *   off, so every pull passes Harbor's access control and vulnerability policy and nodes need no
 *   route to the bucket.
 * - Trivy scans every image on push (per project, `auto_scan`), and pulls of images with findings at
 *   or above `registry.blockSeverity` are refused (`prevent_vul`). Trivy downloads its vulnerability
 *   database from the internet (mirror.gcr.io / ghcr.io): its pods may reach 0.0.0.0/0 on 443, as a
 *   NetworkPolicy cannot name a host; air-gapped users set `trivy.skipUpdate` with a mirrored
 *   database instead.
 * - People sign in through the identity provider (client `harbor`, see harborOidcSettings): the
 *   authentication settings are set with `CONFIG_OVERWRITE_JSON` at every start of core, so changes
 *   in the UI do not survive and git stays the source of truth. `admin` keeps the password of
 *   `harbor/harbor-admin` as the break-glass login.
 * - Credentials come from sops Secrets (REGISTRY_SECRETS), never from values: also the encryption
 *   key, core's registry account and the database password, whose chart defaults are public.
 *
 * Projects, members and robot accounts are not chart values but objects in Harbor's database,
 * reachable only through its API. Applying them needs a running Harbor and its admin password,
 * which neither synth nor CI (offline, no cluster) has, and a Job doing it could not be validated
 * here; so they are generated as data (registryConfiguration, deterministic) into the ConfigMap
 * `harbor/harbor-projects` with the script that applies them, which an operator runs after install
 * and after each change (a new tenant or robot):
 *
 * ```sh
 * kubectl -n harbor get configmap harbor-projects -o go-template='{{index .data "harbor-projects.json"}}' >harbor-projects.json
 * kubectl -n harbor get configmap harbor-projects -o go-template='{{index .data "apply-projects.sh"}}' >apply-projects.sh
 * HARBOR_ADMIN_PASSWORD=... sh apply-projects.sh harbor-projects.json
 * ```
 *
 * Network: the ingress controller reaches nginx on 8080; Harbor's components reach each other inside
 * the namespace on the ports they serve (HARBOR_INTERNAL_PORTS; one rule for ingress and one for
 * egress rather than one per pair, as every component talks to several others and the namespace
 * holds nothing but Harbor); the registry reaches the object storage addresses; core reaches the
 * identity provider through this cluster's ingress; Trivy reaches the internet on 443.
 *
 * @throws Error when the cluster is not a service cluster
 * @throws ConfigError when `registry.storage`, `network.objectStorageCidrs` or
 *   `network.serviceClusterCidrs` is missing, or a robot account is listed twice
 */
export class Registry extends Component {
  /** The endpoints this component serves; the caller creates their Certificates and Ingresses. */
  public readonly endpoints: readonly RegistryEndpoint[];
  /** The projects and robot accounts (also in the ConfigMap `harbor-projects`). */
  public readonly configuration: RegistryConfiguration;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    const { cluster } = props;
    if (cluster.profile !== 'service') {
      throw new Error(`registry: cluster "${cluster.name}" has profile "${cluster.profile}"; Harbor runs in service clusters only, workload clusters pull from their service cluster's registry`);
    }
    super(scope, id, { layer: 'controllers' });
    const namespace = REGISTRY_NAMESPACE;
    const file = `clusters/${cluster.name}/cluster.yaml`;
    const storage = cluster.registry.storage;
    if (!storage) {
      throw new ConfigError([{ file, path: 'registry.storage', message: 'is required for the registry of a service cluster (endpoint, bucket, region); or set registry.enabled: false' }]);
    }
    const objectStorageCidrs = cluster.network.objectStorageCidrs;
    if (objectStorageCidrs.length === 0) {
      throw new ConfigError([
        { file, path: 'network.objectStorageCidrs', message: `is required: the registry stores images in ${storage.endpoint} (set its addresses), or set registry.enabled: false` },
      ]);
    }
    const toIdentityProvider = serviceClusterPeer(cluster, 'harbor (single sign-on)');
    this.endpoints = registryEndpoints(cluster);
    this.configuration = registryConfiguration(cluster, props.fleet);
    const replicas = props.replicas ?? 2;
    const issuer = serviceEndpoints(cluster.domain).identity;

    new HardenedNamespace(this, 'namespace', { name: namespace, ...(props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {}) });

    const s = REGISTRY_SECRETS;
    this.requireSecret({ namespace, ...s.s3, purpose: `access key of the registry's bucket ${storage.bucket} at ${storage.endpoint}` });
    this.requireSecret({ namespace, ...s.admin, purpose: "initial password of Harbor's admin account (break-glass login)" });
    this.requireSecret({ namespace, ...s.oidc, purpose: `client secret of the OIDC client "${HARBOR_OIDC_CLIENT_ID}" at ${issuer} (equal to the key ${HARBOR_OIDC_CLIENT_ID} of dex/dex-client-secrets)` });
    this.requireSecret({ namespace, ...s.secretKey, purpose: "Harbor's encryption key for stored credentials (exactly 16 characters)" });
    this.requireSecret({ namespace, ...s.registryCredentials, purpose: "core's account at the registry: a password and its bcrypt htpasswd line (htpasswd -nbB harbor_registry_user <password>)" });
    this.requireSecret({ namespace, ...s.database, purpose: "password of Harbor's internal PostgreSQL" });

    new ApiObject(this, 'projects', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: REGISTRY_CONFIGURATION_CONFIGMAP, namespace },
      data: {
        [REGISTRY_CONFIGURATION_FILES.configuration]: `${JSON.stringify(this.configuration, null, 2)}\n`,
        [REGISTRY_CONFIGURATION_FILES.script]: applyProjectsScript(),
      },
    });

    const endpoint = this.endpoints[0]!;
    new HelmChart<HarborValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'harbor',
      namespace,
      values: {
        // TLS ends at the platform's ingress; Harbor's nginx routes to core and portal
        expose: { type: 'clusterIP', tls: { enabled: false }, clusterIP: { name: endpoint.service, ports: { httpPort: endpoint.port } } },
        externalURL: `https://${endpoint.host}`,
        persistence: {
          enabled: true,
          resourcePolicy: 'keep',
          imageChartStorage: {
            type: 's3',
            // pulls go through Harbor (its access control and vulnerability policy), never straight to the bucket
            disableredirect: true,
            s3: { region: storage.region, bucket: storage.bucket, regionendpoint: storage.endpoint, existingSecret: s.s3.name, secure: true, v4auth: true },
          },
        },
        existingSecretAdminPassword: s.admin.name,
        existingSecretAdminPasswordKey: s.admin.keys[0],
        existingSecretSecretKey: s.secretKey.name,
        // jobservice keeps its job logs on a ReadWriteOnce volume, which a rolling update cannot hand over
        updateStrategy: { type: 'Recreate' },
        containerSecurityContext: {
          privileged: false,
          allowPrivilegeEscalation: false,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
        core: {
          replicas,
          // the variable holding the secret must come first: kubelet expands $(...) from earlier variables only
          extraEnvVars: [
            { name: HARBOR_OIDC_SECRET_ENV, valueFrom: { secretKeyRef: { name: HARBOR_OIDC_SECRET.name, key: HARBOR_OIDC_SECRET.key } } },
            { name: 'CONFIG_OVERWRITE_JSON', value: JSON.stringify(harborOidcSettings(cluster)) },
          ],
        },
        portal: { replicas },
        registry: { replicas, credentials: { existingSecret: s.registryCredentials.name } },
        trivy: { enabled: true, skipUpdate: false, offlineScan: false, ignoreUnfixed: false },
        metrics: { enabled: false },
      },
      valuesFrom: [{ kind: 'Secret', name: s.database.name, valuesKey: s.database.keys[0], targetPath: 'database.internal.password' }],
    });

    const url = new URL(storage.endpoint);
    const nginx = harborPods('nginx');
    new NetworkAllow(this, 'from-ingress', { namespace, name: 'allow-harbor-from-ingress', direction: 'ingress', podLabels: nginx, peers: [INGRESS_CONTROLLER], ports: [{ port: HARBOR_NGINX_PORT }] });
    // Harbor's components talk to each other on the ports they serve; see the class comment
    const internal = HARBOR_INTERNAL_PORTS.map((port) => ({ port }));
    new NetworkAllow(this, 'internal-in', { namespace, name: 'allow-harbor-internal-ingress', direction: 'ingress', peers: [{ namespace }], ports: internal });
    new NetworkAllow(this, 'internal-out', { namespace, name: 'allow-harbor-internal-egress', direction: 'egress', peers: [{ namespace }], ports: internal });
    new NetworkAllow(this, 'to-object-storage', {
      namespace,
      name: 'allow-registry-to-object-storage',
      direction: 'egress',
      podLabels: harborPods('registry'),
      peers: [{ cidrs: objectStorageCidrs }],
      ports: [{ port: url.port ? Number(url.port) : 443 }],
    });
    // the identity provider is served by this cluster's own ingress
    new NetworkAllow(this, 'to-identity-provider', { namespace, name: 'allow-core-to-identity-provider', direction: 'egress', podLabels: harborPods('core'), ...toIdentityProvider });
    // Trivy's vulnerability database is published on public registries (see the class comment)
    new NetworkAllow(this, 'trivy-db', {
      namespace,
      name: 'allow-trivy-db-download',
      direction: 'egress',
      podLabels: harborPods('trivy'),
      peers: [{ cidrs: ['0.0.0.0/0', '::/0'] }],
      ports: [{ port: 443 }],
    });
  }
}
