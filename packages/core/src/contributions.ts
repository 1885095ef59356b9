import type { NetworkPort } from './network-allow.js';
import type { Pods } from './pods.js';

/**
 * A peer outside the cluster's pods. Components name it by what it is; the cluster's profile
 * resolves it from cluster.yaml's `network` block (and fails naming the field when it is missing).
 */
export type ExternalPeer =
  /** The Kubernetes API server (`network.apiServer`, its port). */
  | { readonly peer: 'api-server' }
  /** The service cluster's ingress (`network.serviceClusterCidrs`, 443): where evidence is shipped. */
  | { readonly peer: 'service-cluster' }
  /** The service cluster's identity provider as clients reach it: its ingress, inside a service cluster also its ingress controller pods (443). */
  | { readonly peer: 'identity-provider' }
  /** The cluster's own endpoints as people reach them: its ingress controller pods and any address (its load balancer's), on 443. */
  | { readonly peer: 'platform-endpoints' }
  /** S3-compatible object storage (`network.objectStorageCidrs`, on the endpoint's port). */
  | { readonly peer: 'object-storage'; readonly endpoint: string }
  /** Any address (0.0.0.0/0 and ::/0): for services a NetworkPolicy cannot name by host. Always says why. */
  | { readonly peer: 'internet'; readonly reason: string };

/**
 * A part one component plays for the others. A flow from a role ends at whichever component
 * provides it in the cluster (none: the flow is not needed and not opened).
 */
export type PlatformRole =
  /** The ingress controller: the one way in from outside, to served endpoints and tenants' ingress ports. */
  | 'ingress-controller'
  /** Prometheus (server or agent): scrapes every declared metrics endpoint and tenants' metrics ports. */
  | 'scraper';

export interface RolePeer {
  readonly role: PlatformRole;
}

/**
 * A network connection a component needs: pods of one side open connections to the other.
 * The cluster's profile derives the NetworkPolicies of both sides from it (an egress rule where
 * the connection starts, an ingress rule where it ends, when that namespace is the platform's),
 * so a flow is never opened on one side only.
 */
export interface Flow {
  /** Who connects: pods, a role of another component (e.g. the ingress controller), or the API server (webhooks). */
  readonly from: Pods | RolePeer | ExternalPeer;
  /** Who is connected to: pods (of this or another component) or a peer outside the cluster's pods. */
  readonly to: Pods | ExternalPeer;
  /**
   * Ports of the connection. Required to pods and the internet.
   * @default the peer's port: the API server's, 443 for the service cluster and the identity provider, the object storage endpoint's
   */
  readonly ports?: readonly NetworkPort[];
  /** Name of the NetworkPolicy, for a flow with one side outside the cluster's pods. @default derived: `allow-<from>-to-<to>` */
  readonly name?: string;
}

export function isRolePeer(end: Flow['from']): end is RolePeer {
  return 'role' in end;
}

export function isExternalPeer(end: Flow['from']): end is ExternalPeer {
  return 'peer' in end;
}

/** A metrics endpoint a component's pods serve, which the cluster's Prometheus scrapes. */
export interface MetricsEndpoint {
  /** Names the PodMonitor, and so the `job` label of the series. */
  readonly name: string;
  readonly pods: Pods;
  /** Container port serving the metrics. */
  readonly port: number;
  /** @default '/metrics' */
  readonly path?: string;
  /**
   * The `job` label of its series, when several endpoints (of several components) are one kind of
   * target whose alerts are declared once, e.g. every PostgreSQL instance of the cluster; an alert
   * may name it as the source of a metric.
   * @default the PodMonitor's (`monitoring/<name>`)
   */
  readonly job?: string;
  /**
   * Whether the platform writes a PodMonitor for it; false when the chart brings its own ServiceMonitor
   * (the port is opened to Prometheus either way).
   * @default true
   */
  readonly monitor?: boolean;
}

/**
 * Scrape jobs of the cluster's own exporters, which the metrics stack scrapes for every cluster
 * (kube-prometheus-stack's job names): an alert may read them besides its component's own endpoints.
 */
export const CLUSTER_METRICS_SOURCES = ['apiserver', 'kubelet', 'kube-state-metrics', 'node-exporter'] as const;
export type ClusterMetricsSource = (typeof CLUSTER_METRICS_SOURCES)[number];

/**
 * An alert a component declares about its own failure modes, next to the metrics it reads. The
 * service cluster evaluates the alerts of every component of itself and of its workload clusters
 * (each series carries a `cluster` label), with a runbook link per alert.
 */
export interface ComponentAlert {
  /** Alert name, PascalCase; the anchor of its runbook section is its lowercase form. */
  readonly alert: string;
  readonly severity: 'critical' | 'warning' | 'info';
  /** PromQL; every aggregation keeps `cluster`, so the alert names the cluster it is about. */
  readonly expr: string;
  /** How long the condition must hold. @default fires at once */
  readonly for?: string;
  readonly summary: string;
  /** What happened where, and what to check first. */
  readonly description: string;
  /**
   * Every metric the expression reads, with the scrape job that serves it: the name of a metrics
   * endpoint of this component (addMetrics) or one of CLUSTER_METRICS_SOURCES.
   */
  readonly metrics: Readonly<Record<string, string>>;
  /**
   * Unit test cases run with `promtool test rules` (the platform's rule test fails for an alert
   * without one that fires): the failure it is written for, and ideally a case where it stays quiet.
   * @default none
   */
  readonly tests?: readonly AlertTest[];
}

/** An alert expected to fire in an AlertTest: its labels besides `alertname` and the rule's own, and its annotations as rendered. */
export interface ExpectedAlert {
  /** Labels the expression yields, e.g. `{ cluster: 'sc', schedule: 'daily' }`. */
  readonly labels: Readonly<Record<string, string>>;
  /** The description with its templates rendered. */
  readonly description: string;
  /** The summary, rendered, when it has templates. @default the rule's summary */
  readonly summary?: string;
}

/**
 * A unit test case of an alerting rule in promtool's terms: input series from time 0, and the
 * alerts of that name expected at one evaluation time.
 */
export interface AlertTest {
  /** What the case shows, e.g. `fires after a failed backup`. */
  readonly name: string;
  /** Input series: a series selector and its values in promtool's expanding notation, e.g. `{ 'up{cluster="sc"}': '1 0x20' }`. */
  readonly series: Readonly<Record<string, string>>;
  /** Time between two samples of the input series. @default '1m' */
  readonly interval?: string;
  /** When the rule is evaluated, counted from the first sample, e.g. `20m`. */
  readonly at: string;
  /** The alerts firing at that time; empty: the alert stays quiet. */
  readonly fires: readonly ExpectedAlert[];
}

/** A named group of a component's alerts (a PrometheusRule group). */
export interface ComponentAlertGroup {
  readonly name: string;
  readonly alerts: readonly ComponentAlert[];
}

/** An endpoint a component serves to people or other clusters, through the ingress controller with a certificate. */
export interface ServedEndpoint {
  /** Endpoint name, a DNS label: the first label of its host, and the name of its Certificate and Ingress. */
  readonly name: string;
  /** Fully qualified host. */
  readonly host: string;
  /** The pods behind the Service: the ingress controller connects to them on `targetPort`. */
  readonly pods: Pods;
  /** Service the Ingress sends to (in the pods' namespace). */
  readonly service: { readonly name: string; readonly port: number };
  /** Port of the pods behind the Service. @default service.port */
  readonly targetPort?: number;
  /** Protocol between the ingress controller and the Service. @default 'HTTP' */
  readonly backendProtocol?: 'HTTP' | 'HTTPS';
  /** htpasswd Secret (of the form BASIC_AUTH_SECRET) in the pods' namespace that guards an endpoint without a login of its own. @default none */
  readonly basicAuthSecret?: string;
  /** Extra annotations the Ingress needs (e.g. no body size limit for a registry). @default none */
  readonly ingressAnnotations?: Readonly<Record<string, string>>;
  /** Whether its availability is probed (the URL must answer 2xx without a login). @default true */
  readonly probe?: boolean;
}

/**
 * The Secret an endpoint's basic auth is read from: the F5 NGINX Ingress Controller takes the
 * htpasswd text only from a Secret of this type, under this key, and refuses any other.
 */
export const BASIC_AUTH_SECRET = { type: 'nginx.org/htpasswd', key: 'htpasswd' } as const;

/**
 * A web application that signs people in at the service cluster's identity provider as a
 * confidential OIDC client. The identity provider registers every client its cluster's components
 * declare; both sides read the client secret onboarding generates once (`oidcClientSecretId`).
 */
export interface OidcClient {
  /** OAuth2 client id. */
  readonly id: string;
  /** Name shown on the login page. */
  readonly name: string;
  readonly redirectURIs: readonly string[];
  /**
   * Client ids of Kubernetes APIs whose ID tokens this client obtains for the people it signs in
   * (it asks for the scope `audience:server:client_id:<id>`; the identity provider lets each of those
   * clients trust this one), so a web UI can pass the person's own token to the API server.
   * @default none
   */
  readonly tokenAudiences?: readonly string[];
}

/** Accounts a cluster's agents hold at its service cluster's endpoints. */
export type AccountKind =
  /** Writes logs and events to the log store (append only). */
  | 'log-writer'
  /** Sends alerts to Alertmanager. */
  | 'alert-sender'
  /** Writes metrics to the remote-write receiver. */
  | 'metrics-writer';

/** A user name and its generated password. */
export interface Account {
  readonly user: string;
  readonly password: string;
}

/** Credentials of outside systems that onboarding asks for; generators place them where components read them. */
export type OutsideCredential =
  | 's3-access-key-id'
  | 's3-secret-access-key'
  /** A key of the identity provider connector's Secret, e.g. `identity-connector/client-secret`. */
  | `identity-connector/${string}`
  /** A key of the alert receiver's Secret, e.g. `alert-receiver/url`. */
  | `alert-receiver/${string}`;

/**
 * What a Secret's generator can use. Values exist only in memory: `ck8s init` encrypts what the
 * generators return straight into sops files.
 */
export interface CredentialContext {
  /** The cluster being onboarded. */
  readonly cluster: string;
  /** A random password of URL-safe characters. @default length 32 */
  password(length?: number): string;
  /** The same value wherever the same id is asked for in one onboarding, e.g. an OIDC client secret that Dex and the application both hold. */
  shared(id: string, make?: () => string): string;
  /** A bcrypt hash of a password. */
  bcrypt(password: string): string;
  /** An htpasswd line (bcrypt) for a user. */
  htpasswd(user: string, password: string): string;
  /** An htpasswd text with the user's line added, or replaced when the user is there already. */
  upsertHtpasswd(text: string, user: string, password: string): string;
  /** A private CA and a server and client certificate signed by it, as the keys tls.crt, tls.key and ca.crt. */
  tls(props: { readonly subject: string; readonly dnsNames: readonly string[]; readonly caSubject: string }): Promise<Record<string, string>>;
  /** A credential of an outside system given at onboarding. @throws Error naming it when it was not given */
  outside(name: OutsideCredential): string;
  /** The password of an account this cluster holds at its service cluster's endpoints (generated once per user, whatever the kinds). */
  account(kind: AccountKind, user: string): string;
}

/** A Secret a component reads: synth fails without it; `ck8s init` fills it when it can be generated. */
export interface RequiredSecret {
  readonly namespace: string;
  readonly name: string;
  /** Keys the Secret must have. */
  readonly keys: readonly string[];
  /**
   * The Secret's type, for a reader that accepts only one (e.g. BASIC_AUTH_SECRET's); synth fails
   * when the committed Secret has another, and onboarding creates it with this one.
   * @default 'Opaque'
   */
  readonly type?: string;
  /** What it is for, shown when it is missing. */
  readonly purpose: string;
  /**
   * Whether synth may go without it: a credential onboarding generates for people (a break-glass
   * password), which nothing in the cluster reads.
   * @default false
   */
  readonly optional?: boolean;
  /**
   * How onboarding fills it. Accounts (CredentialContext.account) are known to the generators of
   * `AccountSink`s only after every generator ran.
   * @default none: onboarding fails naming it, unless its component is switched off
   */
  readonly generate?: (context: CredentialContext) => Record<string, string> | Promise<Record<string, string>>;
}

/**
 * A Secret of a service cluster that lists the accounts of the clusters reporting to it (the log
 * store's users, an endpoint's htpasswd). Onboarding a cluster adds its accounts of `kind` here.
 */
export interface AccountSink {
  readonly kind: AccountKind;
  readonly namespace: string;
  /** The Secret, which the same component requires. */
  readonly secret: string;
  /** The key of the Secret that lists the accounts. */
  readonly key: string;
  /** The new value of the key with the accounts added (an account of the same user is replaced). */
  add(current: string, accounts: readonly Account[], context: Pick<CredentialContext, 'bcrypt' | 'htpasswd' | 'upsertHtpasswd'>): string;
}

/** The admission rules the platform's own namespaces are held to, besides Pod Security (which their namespace labels enforce). */
export const PLATFORM_ADMISSION_RULES = ['resource-requirements', 'image-tag', 'platform-registries'] as const;
export type PlatformAdmissionRule = (typeof PLATFORM_ADMISSION_RULES)[number];

/**
 * A platform namespace exempt from one of PLATFORM_ADMISSION_RULES, declared by the component that
 * needs it (Component.addAdmissionException, or a HelmChart's `expects.admissionExceptions`), with
 * why. In the cluster the exception is the namespace's: the binding of the rule leaves it out, as a
 * binding cannot follow the pods a workload creates. Listed by `ck8s validate --output json` and
 * the fleet report.
 */
export interface PlatformAdmissionException {
  /** Stable, readable name, unique in the cluster, e.g. `posture-scanner-node-collector-registries`. */
  readonly name: string;
  readonly namespace: string;
  readonly rule: PlatformAdmissionRule;
  /** `Kind/name` of the workload that needs it. @default the whole namespace (`Namespace/<namespace>`) */
  readonly object?: string;
  readonly reason: string;
}
