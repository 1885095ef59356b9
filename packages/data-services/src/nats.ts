import type { Construct } from 'constructs';
import {
  Component,
  containerResources,
  HelmChart,
  type NatsServiceConfig,
  type Pods,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  TENANT_RECONCILER,
} from '@ck8s/core';
import { type DataServiceDefinition, type DataServiceInstanceProps, instanceComponentName } from './data-service-definition.js';
import { applicationCredentials, instanceResources } from './instance-parts.js';
import { NATS_ALERTS, NATS_METRICS_JOB } from './nats-alerts.js';
import { NATS_DASHBOARD } from './nats-dashboard.js';

/** The NATS server image of the chart nats 2.14.2 (its default, with the registry named). */
export const NATS_IMAGE = { registry: 'docker.io', repository: 'nats', tag: '2.14.2-alpine' } as const;
/** The chart's Prometheus exporter sidecar (its default, with the registry named). */
export const NATS_EXPORTER_IMAGE = { registry: 'docker.io', repository: 'natsio/prometheus-nats-exporter', tag: '0.20.1' } as const;

/** An image as the chart writes it: `<registry>/<repository>:<tag>`. */
function reference(image: { readonly registry: string; readonly repository: string; readonly tag: string }): string {
  return `${image.registry}/${image.repository}:${image.tag}`;
}

/** Ports of a server: clients, routes between the servers, the monitoring endpoint (read by the exporter beside it), the exporter. */
export const NATS_PORTS = { client: 4222, cluster: 6222, monitor: 8222, metrics: 7777 } as const;

/** Names of an instance's objects in the tenant's namespace (the chart's fullname is the instance's name). */
export function natsNames(name: string) {
  return {
    /** The HelmRelease, its source, the StatefulSet and the client Service. */
    release: name,
    /** The clients' user and password (basic-auth Secret, keys username and password). */
    credentials: `${name}-credentials`,
    /** Service of the servers for clients (4222); `<name>-headless` names each server. */
    service: name,
  };
}

/** An instance's server pods (the chart's labels). */
export function natsPods(tenant: string, name: string): Pods {
  return {
    name: instanceComponentName(tenant, name),
    namespace: tenant,
    labels: { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'nats' },
  };
}

/** The exporter sidecar of each server. */
export const NATS_EXPORTER_RESOURCES = containerResources('10m', '32Mi', '64Mi');

/**
 * The exporter's arguments: the chart's, less `-jsz=all`, whose series carry the NATS cluster's name
 * in a `cluster` label, which would replace the platform's `cluster` label (the Kubernetes cluster)
 * when they are remote-written. JetStream's usage comes from `-varz` (nats_varz_jetstream_*).
 */
const EXPORTER_ARGS = [
  `-port=${NATS_PORTS.metrics}`,
  '-connz',
  '-routez',
  '-subz',
  '-varz',
  '-prefix=nats',
  '-use_internal_server_id',
  `http://localhost:${NATS_PORTS.monitor}/`,
];

/**
 * One NATS of a tenant (`tenants/<tenant>-<name>.yaml`), in the tenant's namespace: a release of the
 * NATS project's own chart (NATS has no maintained server operator; the old nats-operator is retired
 * in favour of this chart), installed by Flux as the tenant's own `flux-reconciler` (the tenant's
 * rights in its namespace, nothing more: any account in a tenant's namespace is usable by its pods).
 * `replicas` servers routed to each other, with JetStream on a volume of `jetstream.storage` each when
 * declared; restricted pods (a fixed non-root user: the image has none) with requests and a memory
 * limit; clients sign in with the user and password of a generated sops Secret, which the servers
 * read from their environment. No config reloader sidecar: a change of the configuration rolls the
 * pods (the chart's checksum annotation). Only the tenant's pods reach it on 4222; the servers reach
 * each other on 6222; Prometheus scrapes the exporter beside each server (job nats).
 *
 * Backups: none of its own. NATS has no declarative stream backup (`nats stream backup` is a client
 * command); JetStream's file store is on the servers' volumes, which the platform's daily Velero
 * backup copies with the rest of the namespace, on the platform's schedule and retention.
 */
export class NatsInstance extends Component {
  constructor(scope: Construct, props: DataServiceInstanceProps<NatsServiceConfig>) {
    const { tenant, service } = props;
    super(scope, instanceComponentName(tenant, service.name), { layer: 'tenants' });
    const names = natsNames(service.name);
    const pods = natsPods(tenant, service.name);
    const clustered = service.replicas > 1;

    this.requireSecret(applicationCredentials(tenant, names.credentials, 'app', `user and password of the clients of NATS ${service.name}`));

    const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: names.credentials, key } } });
    const containerSecurity = restrictedContainerSecurityContext();
    new HelmChart(this, 'nats', {
      catalog: props.catalog,
      chart: 'nats',
      namespace: tenant,
      releaseName: names.release,
      serviceAccountName: TENANT_RECONCILER,
      values: {
        fullnameOverride: names.release,
        config: {
          cluster: clustered ? { enabled: true, replicas: service.replicas } : { enabled: false },
          jetstream: service.jetstream
            ? {
                enabled: true,
                fileStore: { enabled: true, pvc: { enabled: true, size: service.jetstream.storage } },
                memoryStore: { enabled: false },
              }
            : { enabled: false },
          monitor: { enabled: true, port: NATS_PORTS.monitor },
          // `<< $VAR >>` is written unquoted: the server reads the credentials from its environment
          merge: { authorization: { user: '<< $NATS_USER >>', password: '<< $NATS_PASSWORD >>' } },
        },
        container: {
          image: NATS_IMAGE,
          env: { NATS_USER: fromSecret('username'), NATS_PASSWORD: fromSecret('password') },
          resources: instanceResources(service),
          // the pid file is on an emptyDir and JetStream's store on its volume: the root stays read-only
          merge: { securityContext: containerSecurity },
        },
        reloader: { enabled: false },
        promExporter: {
          enabled: true,
          port: NATS_PORTS.metrics,
          image: NATS_EXPORTER_IMAGE,
          merge: { args: EXPORTER_ARGS, resources: NATS_EXPORTER_RESOURCES, securityContext: containerSecurity },
        },
        podTemplate: {
          configChecksumAnnotation: true,
          merge: {
            spec: {
              // the image runs as root unless told: NATS needs no privilege, 1000 owns the JetStream volume
              securityContext: restrictedPodSecurityContext({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 }),
              automountServiceAccountToken: false,
            },
          },
        },
        natsBox: { enabled: false },
      },
      expects: { workloads: [`StatefulSet/${names.release}`] },
    });

    // the tenant's pods, and only they, connect to the servers
    this.addFlow({ from: { name: tenant, namespace: tenant }, to: pods, ports: [{ port: NATS_PORTS.client }] });
    if (clustered) this.addFlow({ from: pods, to: pods, ports: [{ port: NATS_PORTS.cluster }] });
    this.addMetrics({ name: `nats-${pods.name}`, pods, port: NATS_PORTS.metrics, job: NATS_METRICS_JOB });
    this.addAlerts(NATS_ALERTS);
    this.addDashboard(NATS_DASHBOARD);
  }
}

/** NATS with JetStream from the NATS project's chart: no operator, one release per instance. */
export const NATS: DataServiceDefinition<NatsServiceConfig> = {
  kind: 'nats',
  addInstance: (scope, props) => new NatsInstance(scope, props),
  instanceImages: () => [reference(NATS_IMAGE), reference(NATS_EXPORTER_IMAGE)],
};
