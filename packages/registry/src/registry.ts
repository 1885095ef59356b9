import {
  type ChartCatalog,
  Component,
  type ContainerResources,
  containerResources,
  HelmChart,
  oidcClientSecretId,
  type Pods,
  restrictedContainerSecurityContext,
} from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { applyProjectsScript, REGISTRY_CONFIGURATION_FILES } from './apply-projects-script.js';
import {
  DATABASE_DUMP_JOB,
  DATABASE_DUMP_LABELS,
  DATABASE_DUMP_SECRET,
  type DatabaseDumpProps,
  databaseDumpCronJob,
  HARBOR_DB_IMAGE,
} from './database-dump.js';
import { DATABASE_DUMP_ALERTS } from './database-dump-alerts.js';
import { HARBOR_OIDC_CLIENT_ID, HARBOR_OIDC_REDIRECT_PATH, HARBOR_OIDC_SECRET, HARBOR_OIDC_SECRET_ENV, harborOidcSettings } from './harbor-oidc.js';
import type { HarborValues } from './harbor-values.js';
import { HARBOR_METRICS, REGISTRY_ALERTS } from './registry-alerts.js';
import { REGISTRY_DASHBOARD } from './registry-dashboard.js';
import { type BlockSeverity, type RegistryConfiguration, registryConfiguration, type RegistryTenant } from './registry-configuration.js';
import { HARBOR_HTTP_PORT, HARBOR_NGINX_PORT, HARBOR_SERVICE, REGISTRY_INGRESS_ANNOTATIONS, REGISTRY_NAMESPACE } from './registry-endpoints.js';

export interface RegistryProps {
  readonly catalog: ChartCatalog;
  /** The registry's host, e.g. `registry.<domain>`: the prefix of every tenant image. */
  readonly host: string;
  /** Names the registry's cluster in generated descriptions. */
  readonly clusterName: string;
  /** The bucket images are stored in. */
  readonly storage: { readonly endpoint: string; readonly bucket: string; readonly region: string };
  /** The OIDC issuer people sign in at. */
  readonly issuer: string;
  /** Claims of the identity token that hold the user name and the groups. @default { username: 'email', groups: 'groups' } */
  readonly claims?: { readonly username: string; readonly groups: string };
  /** Members of this identity-provider group are Harbor system administrators. @default none */
  readonly adminGroup?: string;
  /** Tenants of the workload clusters that pull from here: one project each. @default none */
  readonly tenants?: readonly RegistryTenant[];
  /** Pulls of images with findings at or above this severity are refused. @default 'high' */
  readonly blockSeverity?: BlockSeverity;
  /** Robot accounts for CI, allowed to push to every tenant project. @default none */
  readonly robotAccounts?: readonly string[];
  /** Replicas of Harbor's stateless parts (core, portal, registry). @default 2 */
  readonly replicas?: number;
  /** Requests and memory limits of Harbor's containers, by container. @default HARBOR_RESOURCES */
  readonly resources?: HarborResources;
  /** A daily dump of Harbor's database to object storage (see databaseDumpCronJob). @default none */
  readonly databaseDump?: Omit<DatabaseDumpProps, 'namespace' | 'database'>;
}

/**
 * Requests and memory limits of Harbor's containers (the `resource-requirements` rule holds for the
 * platform too). Trivy keeps the chart's own (200m CPU, 512Mi memory, 1Gi limit): Helm merges
 * values into the chart's, so setting them here could not remove the chart's CPU limit anyway.
 */
export interface HarborResources {
  /** core: the API, authentication and the projects' policies. @default 100m CPU, 256Mi memory, 1Gi limit */
  readonly core?: ContainerResources;
  /** jobservice: replication, scans and garbage collection jobs. @default 50m CPU, 128Mi memory, 512Mi limit */
  readonly jobservice?: ContainerResources;
  /** Harbor's nginx, which routes the ingress's traffic to core, portal and the registry. @default 10m CPU, 32Mi memory, 128Mi limit */
  readonly nginx?: ContainerResources;
  /** portal: the static web UI. @default 10m CPU, 32Mi memory, 128Mi limit */
  readonly portal?: ContainerResources;
  /** The registry (distribution), streaming image layers from and to the bucket. @default 100m CPU, 128Mi memory, 1Gi limit */
  readonly registry?: ContainerResources;
  /** registryctl, beside the registry in its pods. @default 10m CPU, 32Mi memory, 128Mi limit */
  readonly registryController?: ContainerResources;
  /** The internal PostgreSQL (its shared memory, up to the chart's 512Mi shmSizeLimit, counts against the limit). @default 100m CPU, 256Mi memory, 1Gi limit */
  readonly database?: ContainerResources;
  /** The database's init container that fixes the data directory's permissions. @default 10m CPU, 32Mi memory, 64Mi limit */
  readonly databaseInit?: ContainerResources;
  /** The internal Redis: sessions and the job queue. @default 50m CPU, 64Mi memory, 256Mi limit */
  readonly redis?: ContainerResources;
  /** The metrics exporter: reads Harbor's health, projects and quotas for Prometheus. @default 10m CPU, 32Mi memory, 128Mi limit */
  readonly exporter?: ContainerResources;
}

/** The sizes Harbor's containers get unless the props say otherwise: the one place they are written. */
export const HARBOR_RESOURCES: Required<HarborResources> = {
  core: containerResources('100m', '256Mi', '1Gi'),
  jobservice: containerResources('50m', '128Mi', '512Mi'),
  nginx: containerResources('10m', '32Mi', '128Mi'),
  portal: containerResources('10m', '32Mi', '128Mi'),
  registry: containerResources('100m', '128Mi', '1Gi'),
  registryController: containerResources('10m', '32Mi', '128Mi'),
  database: containerResources('100m', '256Mi', '1Gi'),
  databaseInit: containerResources('10m', '32Mi', '64Mi'),
  redis: containerResources('50m', '64Mi', '256Mi'),
  exporter: containerResources('10m', '32Mi', '128Mi'),
};

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

/** Port of the metrics of Harbor's core, jobservice, registry and exporter (the chart's `metrics.<component>.port`). */
export const HARBOR_METRICS_PORT = 8001;

/** Pods of one Harbor component, as the chart labels them (`app: harbor`, `component: <name>`). */
function harborPods(component: 'nginx' | 'core' | 'registry' | 'trivy' | 'jobservice' | 'exporter'): Pods {
  return { name: component, namespace: REGISTRY_NAMESPACE, labels: { app: 'harbor', component } };
}

/** Every pod of the namespace: Harbor's components talk to each other on the ports they serve. */
const HARBOR_PODS: Pods = { name: 'harbor', namespace: REGISTRY_NAMESPACE };

const DATABASE_DUMP_PODS: Pods = { name: DATABASE_DUMP_JOB, namespace: REGISTRY_NAMESPACE, labels: DATABASE_DUMP_LABELS };

/** The chart's database Service. */
export const HARBOR_DATABASE_SERVICE = 'harbor-database';

/**
 * The private container registry of a service cluster (`controllers/harbor.yaml`): Harbor in the
 * restricted `harbor` namespace at `https://registry.<domain>`, the registry tenant images of its
 * workload clusters must come from (the admission policies' default allowed registry).
 *
 * - Exposed as a ClusterIP Service (`harbor:80`, Harbor's own nginx) behind the platform's ingress,
 *   which terminates TLS (the Ingress needs the body-size and timeout annotations of
 *   REGISTRY_INGRESS_ANNOTATIONS, and the ingress controller reaches the nginx pods on 8080).
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
 * @throws Error when a robot account is listed twice
 */
export class Registry extends Component {
  /** The projects and robot accounts (also in the ConfigMap `harbor-projects`). */
  public readonly configuration: RegistryConfiguration;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id, { layer: 'controllers' });
    const namespace = REGISTRY_NAMESPACE;
    const { storage, issuer } = props;
    this.configuration = registryConfiguration({
      host: props.host,
      clusterName: props.clusterName,
      tenants: props.tenants ?? [],
      ...(props.blockSeverity ? { blockSeverity: props.blockSeverity } : {}),
      ...(props.robotAccounts ? { robotAccounts: props.robotAccounts } : {}),
    });
    const replicas = props.replicas ?? 2;
    const resources = { ...HARBOR_RESOURCES, ...props.resources };

    this.addNamespace({ name: namespace });

    const s = REGISTRY_SECRETS;
    this.requireSecret({
      namespace,
      ...s.s3,
      purpose: `access key of the registry's bucket ${storage.bucket} at ${storage.endpoint}`,
      generate: (context) => ({
        REGISTRY_STORAGE_S3_ACCESSKEY: context.outside('s3-access-key-id'),
        REGISTRY_STORAGE_S3_SECRETKEY: context.outside('s3-secret-access-key'),
      }),
    });
    this.requireSecret({
      namespace,
      ...s.admin,
      purpose: "initial password of Harbor's admin account (break-glass login)",
      generate: (context) => ({ HARBOR_ADMIN_PASSWORD: context.password() }),
    });
    this.requireSecret({
      namespace,
      ...s.oidc,
      purpose: `client secret of the OIDC client "${HARBOR_OIDC_CLIENT_ID}" at ${issuer} (equal to the key ${HARBOR_OIDC_CLIENT_ID} of dex/dex-client-secrets)`,
      generate: (context) => ({ [HARBOR_OIDC_SECRET.key]: context.shared(oidcClientSecretId(HARBOR_OIDC_CLIENT_ID)) }),
    });
    this.requireSecret({
      namespace,
      ...s.secretKey,
      purpose: "Harbor's encryption key for stored credentials (exactly 16 characters)",
      generate: (context) => ({ secretKey: context.password(16) }),
    });
    this.requireSecret({
      namespace,
      ...s.registryCredentials,
      purpose: "core's account at the registry: a password and its bcrypt htpasswd line (htpasswd -nbB harbor_registry_user <password>)",
      generate: (context) => {
        const password = context.password();
        return { REGISTRY_PASSWD: password, REGISTRY_HTPASSWD: context.htpasswd('harbor_registry_user', password) };
      },
    });
    this.requireSecret({
      namespace,
      ...s.database,
      purpose: "password of Harbor's internal PostgreSQL",
      generate: (context) => ({ password: context.password() }),
    });

    const dump = props.databaseDump;
    if (dump) {
      this.requireSecret({
        namespace,
        ...DATABASE_DUMP_SECRET,
        purpose: `object storage keys of the daily dump of Harbor's database to bucket ${dump.objectStorage.bucket}`,
        generate: (context) => ({
          'access-key-id': context.outside('s3-access-key-id'),
          'secret-access-key': context.outside('s3-secret-access-key'),
        }),
      });
      new ApiObject(
        this,
        'database-dump',
        databaseDumpCronJob({ ...dump, namespace, database: { host: HARBOR_DATABASE_SERVICE, passwordSecret: s.database.name } }),
      );
      // it reaches the database through the namespace's internal flow (5432)
      this.addFlow({ from: DATABASE_DUMP_PODS, to: { peer: 'object-storage', endpoint: dump.objectStorage.endpoint } });
      this.addAlerts(DATABASE_DUMP_ALERTS);
    }

    new ApiObject(this, 'projects', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: REGISTRY_CONFIGURATION_CONFIGMAP, namespace },
      data: {
        [REGISTRY_CONFIGURATION_FILES.configuration]: `${JSON.stringify(this.configuration, null, 2)}\n`,
        [REGISTRY_CONFIGURATION_FILES.script]: applyProjectsScript(),
      },
    });

    new HelmChart<HarborValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'harbor',
      namespace,
      expects: {
        workloads: [
          ...['core', 'exporter', 'jobservice', 'nginx', 'portal', 'registry'].map((c) => `Deployment/harbor-${c}`),
          ...['database', 'redis', 'trivy'].map((c) => `StatefulSet/harbor-${c}`),
        ],
      },
      values: {
        // TLS ends at the platform's ingress; Harbor's nginx routes to core and portal
        expose: { type: 'clusterIP', tls: { enabled: false }, clusterIP: { name: HARBOR_SERVICE, ports: { httpPort: HARBOR_HTTP_PORT } } },
        externalURL: `https://${props.host}`,
        persistence: {
          enabled: true,
          resourcePolicy: 'keep',
          imageChartStorage: {
            type: 's3',
            // pulls go through Harbor (its access control and vulnerability policy), never straight to the bucket
            disableredirect: true,
            s3: {
              region: storage.region,
              bucket: storage.bucket,
              regionendpoint: storage.endpoint,
              existingSecret: s.s3.name,
              secure: true,
              v4auth: true,
            },
          },
        },
        existingSecretAdminPassword: s.admin.name,
        existingSecretAdminPasswordKey: s.admin.keys[0],
        existingSecretSecretKey: s.secretKey.name,
        // jobservice keeps its job logs on a ReadWriteOnce volume, which a rolling update cannot hand over
        updateStrategy: { type: 'Recreate' },
        // Harbor's components write below their root (nginx temp files, core's and jobservice's state)
        containerSecurityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: false }),
        core: {
          replicas,
          resources: resources.core,
          // the variable holding the secret must come first: kubelet expands $(...) from earlier variables only
          extraEnvVars: [
            { name: HARBOR_OIDC_SECRET_ENV, valueFrom: { secretKeyRef: { name: HARBOR_OIDC_SECRET.name, key: HARBOR_OIDC_SECRET.key } } },
            {
              name: 'CONFIG_OVERWRITE_JSON',
              value: JSON.stringify(
                harborOidcSettings({
                  issuer,
                  claims: props.claims ?? { username: 'email', groups: 'groups' },
                  ...(props.adminGroup ? { adminGroup: props.adminGroup } : {}),
                }),
              ),
            },
          ],
        },
        portal: { replicas, resources: resources.portal },
        jobservice: { resources: resources.jobservice },
        nginx: { resources: resources.nginx },
        registry: {
          replicas,
          credentials: { existingSecret: s.registryCredentials.name },
          registry: { resources: resources.registry },
          controller: { resources: resources.registryController },
        },
        database: {
          internal: {
            // the image the dump Job's pg_dump comes from: one definition, so client and server cannot drift
            image: { ...HARBOR_DB_IMAGE },
            resources: resources.database,
            initContainer: { permissions: { resources: resources.databaseInit } },
          },
        },
        redis: { internal: { resources: resources.redis } },
        trivy: { enabled: true, skipUpdate: false, offlineScan: false, ignoreUnfixed: false },
        // core, jobservice, the registry and the exporter serve metrics on 8001 (scraped by the PodMonitors below)
        metrics: { enabled: true },
        exporter: { resources: resources.exporter },
      },
      valuesFrom: [{ kind: 'Secret', name: s.database.name, valuesKey: s.database.keys[0], targetPath: 'database.internal.password' }],
    });

    this.addEndpoint({
      name: 'registry',
      host: props.host,
      pods: harborPods('nginx'),
      service: { name: HARBOR_SERVICE, port: HARBOR_HTTP_PORT },
      targetPort: HARBOR_NGINX_PORT,
      ingressAnnotations: REGISTRY_INGRESS_ANNOTATIONS,
    });
    this.addOidcClient({ id: HARBOR_OIDC_CLIENT_ID, name: 'Harbor', redirectURIs: [`https://${props.host}${HARBOR_OIDC_REDIRECT_PATH}`] });
    // Harbor's components talk to each other on the ports they serve; see the class comment
    this.addFlow({ from: HARBOR_PODS, to: HARBOR_PODS, ports: HARBOR_INTERNAL_PORTS.map((port) => ({ port })) });
    for (const component of ['core', 'registry', 'jobservice', 'exporter'] as const)
      this.addMetrics({ name: HARBOR_METRICS[component], pods: harborPods(component), port: HARBOR_METRICS_PORT });
    this.addAlerts(REGISTRY_ALERTS);
    this.addDashboard(REGISTRY_DASHBOARD);
    this.addFlow({ from: harborPods('registry'), to: { peer: 'object-storage', endpoint: storage.endpoint } });
    this.addFlow({ from: harborPods('core'), to: { peer: 'identity-provider' } });
    this.addFlow({
      from: harborPods('trivy'),
      to: { peer: 'internet', reason: "Trivy's vulnerability database is published on public registries (mirror.gcr.io, ghcr.io)" },
      ports: [{ port: 443 }],
      name: 'allow-trivy-db-download',
    });
  }
}
