import type { DependencyCategory } from './scan-model.js';

/** An Azure service or AKS feature and what replaces it on the platform. */
export interface AzureService {
  readonly id: string;
  readonly title: string;
  readonly category: DependencyCategory;
  readonly replacement: string;
  readonly platformFeature: string;
  readonly providedByPlatform: boolean;
  readonly applicationChange: string;
}

/** The replacement of a data store or bus is a tenant data service; the platform does not run them yet. */
const TENANT_SERVICE = (name: string) => `a tenant data service (tenants[].services: ${name}; planned, until then run by the team in its namespace)`;
const SOPS_SECRET = 'credentials from a sops-encrypted Secret (`ck8s secrets set`)';

/**
 * The white paper's table of replacements (Azure service → open-source replacement), with the
 * platform feature that provides it and what the application changes. Keyed by id.
 */
export const AZURE_SERVICES: Readonly<Record<string, AzureService>> = Object.fromEntries(
  (
    [
      {
        id: 'service-bus',
        title: 'Azure Service Bus',
        category: 'bus',
        replacement: 'RabbitMQ (AMQP 1.0) or NATS',
        platformFeature: TENANT_SERVICE('rabbitmq'),
        providedByPlatform: false,
        applicationChange: `use an AMQP 1.0 client (or NATS) instead of the Service Bus SDK and its SAS connection string; ${SOPS_SECRET}`,
      },
      {
        id: 'event-hubs',
        title: 'Azure Event Hubs',
        category: 'bus',
        replacement: 'NATS JetStream (or Kafka)',
        platformFeature: TENANT_SERVICE('nats'),
        providedByPlatform: false,
        applicationChange: `use a NATS JetStream (or Kafka) client instead of the Event Hubs SDK; ${SOPS_SECRET}`,
      },
      {
        id: 'queue-storage',
        title: 'Azure Queue Storage',
        category: 'bus',
        replacement: 'RabbitMQ or NATS',
        platformFeature: TENANT_SERVICE('rabbitmq'),
        providedByPlatform: false,
        applicationChange: `use an AMQP or NATS client instead of the Queue Storage SDK; ${SOPS_SECRET}`,
      },
      {
        id: 'cosmos-db',
        title: 'Azure Cosmos DB',
        category: 'data-store',
        replacement: 'TiKV (Table API); a document database run as a tenant service for the SQL/MongoDB APIs',
        platformFeature: TENANT_SERVICE('tikv'),
        providedByPlatform: false,
        applicationChange: `replace the Cosmos DB SDK with the new store's client, export and import the data; ${SOPS_SECRET}`,
      },
      {
        id: 'table-storage',
        title: 'Azure Table Storage',
        category: 'data-store',
        replacement: 'TiKV',
        platformFeature: TENANT_SERVICE('tikv'),
        providedByPlatform: false,
        applicationChange: `replace the Tables SDK with a TiKV client, export and import the data; ${SOPS_SECRET}`,
      },
      {
        id: 'azure-sql',
        title: 'Azure SQL Database',
        category: 'data-store',
        replacement: 'PostgreSQL with its own HA (after porting the schema from T-SQL)',
        platformFeature: TENANT_SERVICE('postgresql'),
        providedByPlatform: false,
        applicationChange: `port the schema and queries to PostgreSQL, move the data, point the connection string at the tenant service; ${SOPS_SECRET}`,
      },
      {
        id: 'postgresql',
        title: 'Azure Database for PostgreSQL',
        category: 'data-store',
        replacement: "PostgreSQL with PostgreSQL's own HA (streaming replication)",
        platformFeature: TENANT_SERVICE('postgresql'),
        providedByPlatform: false,
        applicationChange: `point the connection URL at the tenant PostgreSQL service and move the data (pg_dump/pg_restore or logical replication); ${SOPS_SECRET}`,
      },
      {
        id: 'mysql',
        title: 'Azure Database for MySQL',
        category: 'data-store',
        replacement: 'MariaDB Galera with ProxySQL',
        platformFeature: TENANT_SERVICE('mariadb'),
        providedByPlatform: false,
        applicationChange: `point the connection at ProxySQL in front of the Galera cluster and move the data (mysqldump); ${SOPS_SECRET}`,
      },
      {
        id: 'mariadb',
        title: 'Azure Database for MariaDB',
        category: 'data-store',
        replacement: 'MariaDB Galera with ProxySQL',
        platformFeature: TENANT_SERVICE('mariadb'),
        providedByPlatform: false,
        applicationChange: `point the connection at ProxySQL in front of the Galera cluster and move the data (mysqldump); ${SOPS_SECRET}`,
      },
      {
        id: 'redis',
        title: 'Azure Cache for Redis',
        category: 'data-store',
        replacement: 'Redis with Sentinel',
        platformFeature: TENANT_SERVICE('redis'),
        providedByPlatform: false,
        applicationChange: `point the client at the tenant Redis service (Azure's TLS port 6380 becomes the service's port); ${SOPS_SECRET}`,
      },
      {
        id: 'blob-storage',
        title: 'Azure Blob Storage',
        category: 'object-storage',
        replacement: 'S3-compatible object storage',
        platformFeature:
          "the platform's S3-compatible object storage (a bucket per application; endpoint in cluster.yaml, egress in network.objectStorageCidrs)",
        providedByPlatform: true,
        applicationChange: `use an S3 client with a custom endpoint instead of the Blob SDK, copy the containers into buckets (e.g. rclone); access keys ${SOPS_SECRET.replace('credentials ', '')}`,
      },
      {
        id: 'file-share',
        title: 'Azure Files share',
        category: 'storage',
        replacement: "a ReadWriteMany volume of the target's storage, or S3-compatible object storage",
        platformFeature: "the target cluster's storage classes",
        providedByPlatform: true,
        applicationChange: 'mount a PersistentVolumeClaim instead of the share (or move the files to object storage) and copy the data',
      },
      {
        id: 'key-vault',
        title: 'Azure Key Vault',
        category: 'secrets',
        replacement: 'HashiCorp Vault',
        platformFeature: 'Secrets committed sops-encrypted to the cluster (`ck8s secrets set`), delivered as Kubernetes Secrets by Flux',
        providedByPlatform: true,
        applicationChange:
          'move each Key Vault object into a sops Secret and read it from an env var or mounted Secret instead of the Secrets Store CSI driver or the Key Vault SDK',
      },
      {
        id: 'container-registry',
        title: 'Azure Container Registry',
        category: 'registry',
        replacement: 'Harbor',
        platformFeature: "the service cluster's Harbor registry (one project per tenant, scanned by Trivy); the only registry admission allows",
        providedByPlatform: true,
        applicationChange:
          'push the images to the tenant project (e.g. `crane copy`), change the image references and the CI pipeline; ACR pull secrets are no longer needed',
      },
      {
        id: 'app-insights',
        title: 'Application Insights (Azure Monitor)',
        category: 'observability',
        replacement: 'Prometheus and Grafana for metrics, OpenSearch for logs',
        platformFeature:
          "the platform's observability: tenants[].metricsPorts scraped by Prometheus into the service cluster, logs from stdout collected by Fluent Bit into OpenSearch",
        providedByPlatform: true,
        applicationChange:
          'expose Prometheus metrics (e.g. an OpenTelemetry Prometheus exporter) instead of the Application Insights SDK, log to stdout, drop the connection string',
      },
      {
        id: 'entra-id',
        title: 'Microsoft Entra ID (Azure Active Directory)',
        category: 'identity',
        replacement: 'Dex (OpenLDAP for AD Domain Services)',
        platformFeature: "the platform's single sign-on (Dex at https://dex.<service cluster domain>)",
        providedByPlatform: true,
        applicationChange: 'register the application as an OIDC client of Dex instead of an Entra ID app registration',
      },
      {
        id: 'openai',
        title: 'Azure OpenAI',
        category: 'external-api',
        replacement: 'no open-source equivalent service: keep the external API or serve a model as a tenant workload',
        platformFeature: 'none: an explicit egress NetworkPolicy from the tenant namespace to the endpoint',
        providedByPlatform: false,
        applicationChange:
          'decide whether the data may leave the platform; if so allow egress to the endpoint, else point the client at a self-hosted, OpenAI-compatible model server',
      },
      {
        id: 'cognitive-services',
        title: 'Azure AI services (Cognitive Services)',
        category: 'external-api',
        replacement: 'no open-source equivalent service: keep the external API or run an open model as a tenant workload',
        platformFeature: 'none: an explicit egress NetworkPolicy from the tenant namespace to the endpoint',
        providedByPlatform: false,
        applicationChange:
          'decide whether the data may leave the platform; if so allow egress to the endpoint, else replace the API with a self-hosted model',
      },
      {
        id: 'azure-disk',
        title: 'Azure Disk CSI storage',
        category: 'storage',
        replacement: "the target cluster's block storage class",
        platformFeature: "the target cluster's default storage class (tenants[].quota.storage bounds the claims)",
        providedByPlatform: true,
        applicationChange: "drop storageClassName (or name the target's class) and restore the data (Velero or an application dump)",
      },
      {
        id: 'azure-files',
        title: 'Azure Files CSI storage',
        category: 'storage',
        replacement: 'a ReadWriteMany storage class of the target, or S3-compatible object storage',
        platformFeature: "the target cluster's storage classes",
        providedByPlatform: true,
        applicationChange: "name the target's ReadWriteMany class (or move the files to object storage) and copy the data",
      },
      {
        id: 'agic',
        title: 'Application Gateway Ingress Controller',
        category: 'ingress',
        replacement: 'the F5 NGINX Ingress Controller with cert-manager certificates',
        platformFeature: "the platform's ingress controller (ingressClassName: nginx); the pods' ports listed in tenants[].ingressPorts",
        providedByPlatform: true,
        applicationChange:
          'set ingressClassName: nginx, replace appgw.ingress.kubernetes.io annotations with nginx.org ones, request the TLS certificate from cert-manager',
      },
      {
        id: 'app-routing',
        title: 'AKS application routing add-on',
        category: 'ingress',
        replacement: 'the F5 NGINX Ingress Controller with cert-manager certificates',
        platformFeature: "the platform's ingress controller (ingressClassName: nginx); the pods' ports listed in tenants[].ingressPorts",
        providedByPlatform: true,
        applicationChange:
          'set ingressClassName: nginx, replace nginx.ingress.kubernetes.io annotations with their nginx.org equivalents (the scan lists them), and request the TLS certificate from cert-manager instead of Key Vault',
      },
      {
        id: 'azure-load-balancer',
        title: 'Azure Load Balancer (service annotations)',
        category: 'networking',
        replacement: 'an Ingress through the platform ingress controller, or a LoadBalancer Service where the tenant is allowed one',
        platformFeature: 'the platform ingress; a LoadBalancer only with tenants[].allowLoadBalancer (an explicit exception)',
        providedByPlatform: true,
        applicationChange: 'drop the service.beta.kubernetes.io/azure-* annotations; expose HTTP through an Ingress, and make the Service ClusterIP',
      },
      {
        id: 'workload-identity',
        title: 'Azure Workload Identity',
        category: 'identity',
        replacement: 'credentials per service in Kubernetes Secrets (HashiCorp Vault); people sign in through Dex',
        platformFeature: 'sops-encrypted Secrets per service; Dex for people',
        providedByPlatform: true,
        applicationChange:
          'remove the azure.workload.identity labels and annotations; each replaced service authenticates with its own credentials from a Secret',
      },
      {
        id: 'aad-pod-identity',
        title: 'AAD Pod Identity',
        category: 'identity',
        replacement: 'credentials per service in Kubernetes Secrets (HashiCorp Vault)',
        platformFeature: 'sops-encrypted Secrets per service',
        providedByPlatform: true,
        applicationChange:
          'remove the aadpodidbinding label and the AzureIdentity objects; each replaced service authenticates with its own credentials from a Secret',
      },
      {
        id: 'keda-azure-scaler',
        title: 'KEDA scalers of Azure types',
        category: 'autoscaling',
        replacement: "KEDA's rabbitmq, nats-jetstream or prometheus scalers, or a HorizontalPodAutoscaler",
        platformFeature: 'none: KEDA is not part of the platform (the team installs it, or uses a HorizontalPodAutoscaler)',
        providedByPlatform: false,
        applicationChange: 'change the trigger to the replacement bus (rabbitmq or nats-jetstream) and its TriggerAuthentication to a Secret',
      },
      {
        id: 'aks-node-pools',
        title: 'AKS node pools (labels and taints)',
        category: 'scheduling',
        replacement: "the target's worker nodes",
        platformFeature: "the target cluster's workload nodes",
        providedByPlatform: true,
        applicationChange:
          'remove kubernetes.azure.com/* node selectors, affinities and tolerations (AKS pools and spot instances do not exist on the target)',
      },
    ] satisfies AzureService[]
  ).map((service) => [service.id, service]),
);

/** Migration order of categories: data stores and buses first, what is only a manifest change last. */
export const CATEGORY_RANK: Readonly<Record<string, number>> = {
  'data-store': 0,
  bus: 1,
  'object-storage': 2,
  secrets: 3,
  registry: 4,
  observability: 5,
  identity: 6,
  'external-api': 7,
  storage: 8,
  ingress: 9,
  networking: 10,
  autoscaling: 11,
  scheduling: 12,
};

/** Categories whose replacement is a service to stand up before the workloads move (a step of its own). */
export const STEP_CATEGORIES: ReadonlySet<string> = new Set([
  'data-store',
  'bus',
  'object-storage',
  'secrets',
  'registry',
  'observability',
  'external-api',
]);

/** An endpoint in configuration text: the service it belongs to and how to find its instance name. */
export interface EndpointPattern {
  readonly service: string;
  /** Global regex; group 1, when present, is the instance (account, namespace, server). */
  readonly pattern: RegExp;
}

const HOST = '([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)';

/** Azure endpoints as they appear in URLs, hosts and connection strings. */
export const ENDPOINT_PATTERNS: readonly EndpointPattern[] = [
  { service: 'service-bus', pattern: new RegExp(`\\b${HOST}\\.servicebus\\.windows\\.net\\b`, 'gi') },
  { service: 'cosmos-db', pattern: new RegExp(`\\b${HOST}\\.(?:documents|(?:table|mongo|cassandra|gremlin)\\.cosmos)\\.azure\\.com\\b`, 'gi') },
  { service: 'azure-sql', pattern: new RegExp(`\\b${HOST}\\.database\\.windows\\.net\\b`, 'gi') },
  { service: 'postgresql', pattern: new RegExp(`\\b${HOST}\\.postgres\\.database\\.azure\\.com\\b`, 'gi') },
  { service: 'mysql', pattern: new RegExp(`\\b${HOST}\\.mysql\\.database\\.azure\\.com\\b`, 'gi') },
  { service: 'mariadb', pattern: new RegExp(`\\b${HOST}\\.mariadb\\.database\\.azure\\.com\\b`, 'gi') },
  { service: 'redis', pattern: new RegExp(`\\b${HOST}\\.redis\\.cache\\.windows\\.net\\b`, 'gi') },
  { service: 'redis', pattern: new RegExp(`\\b${HOST}\\.[a-z0-9-]+\\.redis(?:enterprise\\.cache)?\\.azure\\.net\\b`, 'gi') },
  { service: 'blob-storage', pattern: new RegExp(`\\b${HOST}\\.(?:blob|dfs)\\.core\\.windows\\.net\\b`, 'gi') },
  // A storage account connection string names the account, not the endpoint; Blob is the common use.
  { service: 'blob-storage', pattern: /\bAccountName=([a-z0-9]{3,24});[^"'\s]*EndpointSuffix=core\.windows\.net/gi },
  { service: 'queue-storage', pattern: new RegExp(`\\b${HOST}\\.queue\\.core\\.windows\\.net\\b`, 'gi') },
  { service: 'table-storage', pattern: new RegExp(`\\b${HOST}\\.table\\.core\\.windows\\.net\\b`, 'gi') },
  { service: 'file-share', pattern: new RegExp(`\\b${HOST}\\.file\\.core\\.windows\\.net\\b`, 'gi') },
  { service: 'key-vault', pattern: new RegExp(`\\b${HOST}\\.vault\\.azure\\.net\\b`, 'gi') },
  { service: 'openai', pattern: new RegExp(`\\b${HOST}\\.openai\\.azure\\.com\\b`, 'gi') },
  { service: 'cognitive-services', pattern: new RegExp(`\\b${HOST}\\.cognitiveservices\\.azure\\.com\\b`, 'gi') },
  {
    service: 'app-insights',
    pattern: /\bInstrumentationKey=|\b[a-z0-9-]+\.(?:in\.)?applicationinsights\.azure\.com\b|\bdc\.services\.visualstudio\.com\b/gi,
  },
  { service: 'container-registry', pattern: new RegExp(`\\b${HOST}\\.azurecr\\.io\\b`, 'gi') },
  { service: 'entra-id', pattern: /\blogin\.microsoftonline\.com\b/gi },
];
