// Command lines of the cluster's components. Pure functions of a layout of files and ports, so
// that they can be read in one place and checked without starting anything.
import * as path from 'node:path';

/** Where a cluster keeps its files, and the ports of its components (all on 127.0.0.1). */
export interface ClusterLayout {
  dataDir: string;
  ports: {
    etcdClient: number;
    etcdPeer: number;
    apiserver: number;
    controllerManager: number;
    scheduler: number;
    kwok: number;
    sourceStorage: number;
    sourceMetrics: number;
    sourceHealth: number;
    kustomizeMetrics: number;
    kustomizeHealth: number;
    helmMetrics: number;
    helmHealth: number;
    registry: number;
  };
  /** Service IP range of the cluster. */
  serviceClusterIpRange: string;
}

/** Files of a layout. */
export function files(layout: ClusterLayout) {
  const d = layout.dataDir;
  return {
    etcdData: path.join(d, 'etcd'),
    apiserverCerts: path.join(d, 'apiserver'),
    /** Written by kube-apiserver itself (--cert-dir): its self-signed serving certificate followed by the CA that signed it. */
    apiserverServingCert: path.join(d, 'apiserver', 'apiserver.crt'),
    ca: path.join(d, 'pki', 'ca.crt'),
    serviceAccountKey: path.join(d, 'pki', 'sa.key'),
    serviceAccountPub: path.join(d, 'pki', 'sa.pub'),
    tokens: path.join(d, 'pki', 'tokens.csv'),
    kubeconfig: path.join(d, 'kubeconfig'),
    controllerManagerCerts: path.join(d, 'kube-controller-manager'),
    schedulerCerts: path.join(d, 'kube-scheduler'),
    kwokConfig: path.join(d, 'kwok', 'kwok.yaml'),
    sourceStorage: path.join(d, 'source-controller', 'storage'),
    /** A kubeconfig per Flux controller, with a token of its ServiceAccount. */
    controllerKubeconfig: (controller: string) => path.join(d, 'pki', `${controller}.kubeconfig`),
    logs: path.join(d, 'logs'),
    home: path.join(d, 'home'),
    tmp: path.join(d, 'tmp'),
  };
}

export function etcdArgs(layout: ClusterLayout): string[] {
  const f = files(layout);
  return [
    `--data-dir=${f.etcdData}`,
    `--listen-client-url=http://127.0.0.1:${layout.ports.etcdClient}`,
    `--listen-peer-url=http://127.0.0.1:${layout.ports.etcdPeer}`,
  ];
}

export function apiserverArgs(layout: ClusterLayout): string[] {
  const f = files(layout);
  return [
    `--etcd-servers=http://127.0.0.1:${layout.ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    // the endpoints of the `kubernetes` service may not be a loopback address: without this the API
    // server logs an error every 10s; nothing in a harness cluster reaches it through the service
    '--endpoint-reconciler-type=none',
    `--secure-port=${layout.ports.apiserver}`,
    // kube-apiserver writes a self-signed serving certificate (and its CA) for 127.0.0.1, localhost
    // and the kubernetes service here; the harness trusts that CA (kubeconfig, --root-ca-file)
    `--cert-dir=${f.apiserverCerts}`,
    `--token-auth-file=${f.tokens}`,
    '--authorization-mode=Node,RBAC',
    `--service-cluster-ip-range=${layout.serviceClusterIpRange}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${f.serviceAccountPub}`,
    `--service-account-signing-key-file=${f.serviceAccountKey}`,
    // as on kubeadm and Talos clusters: privileged pods are allowed, admission decides
    '--allow-privileged=true',
    // the default admission plugins stay on (PodSecurity, ValidatingAdmissionPolicy, ServiceAccount, ...)
    '--profiling=false',
  ];
}

export function controllerManagerArgs(layout: ClusterLayout): string[] {
  const f = files(layout);
  return [
    `--kubeconfig=${f.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${layout.ports.controllerManager}`,
    `--cert-dir=${f.controllerManagerCerts}`,
    // its default, /usr/libexec/kubernetes/..., would be created on the host
    `--flex-volume-plugin-dir=${path.join(f.controllerManagerCerts, 'flexvolume')}`,
    '--leader-elect=false',
    // every default controller: namespace deletion, garbage collection, service account tokens,
    // deployments and replica sets, node lifecycle (reacts to kwok's node heartbeats), ...
    '--controllers=*',
    // kwok's heartbeats (every 20-45s) come late on a loaded machine; past the default grace
    // period (50s) the node is marked NotReady and its pods too, and kwok never makes a running
    // pod Ready again, so every Deployment would stay unavailable (and Flux's health checks with
    // it). The fake nodes never fail, so they get ten minutes.
    '--node-monitor-grace-period=10m',
    `--service-account-private-key-file=${f.serviceAccountKey}`,
    `--root-ca-file=${f.ca}`,
    '--use-service-account-credentials=true',
    `--service-cluster-ip-range=${layout.serviceClusterIpRange}`,
    '--profiling=false',
  ];
}

export function schedulerArgs(layout: ClusterLayout): string[] {
  const f = files(layout);
  return [
    `--kubeconfig=${f.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${layout.ports.scheduler}`,
    `--cert-dir=${f.schedulerCerts}`,
    '--leader-elect=false',
    '--profiling=false',
  ];
}

/** The annotation that marks a Node as kwok's to fake. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export function kwokArgs(layout: ClusterLayout): string[] {
  const f = files(layout);
  return [
    `--kubeconfig=${f.kubeconfig}`,
    // our own (empty) configuration instead of ~/.kwok/kwok.yaml; the built-in node and pod
    // stages then apply: nodes become Ready and keep their leases, pods become Running
    `--config=${f.kwokConfig}`,
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
    // serves /healthz, which the harness waits for
    `--server-address=127.0.0.1:${layout.ports.kwok}`,
  ];
}

/** kwok's configuration file: none of its options set, so the flags and defaults rule. */
export const KWOK_CONFIG = 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n';

export function sourceControllerArgs(layout: ClusterLayout): string[] {
  const f = files(layout);
  return [
    '--watch-all-namespaces=true',
    '--enable-leader-election=false',
    '--log-encoding=console',
    `--storage-path=${f.sourceStorage}`,
    `--storage-addr=127.0.0.1:${layout.ports.sourceStorage}`,
    // the URL kustomize-controller fetches artifacts from
    `--storage-adv-addr=127.0.0.1:${layout.ports.sourceStorage}`,
    `--metrics-addr=127.0.0.1:${layout.ports.sourceMetrics}`,
    `--health-addr=127.0.0.1:${layout.ports.sourceHealth}`,
  ];
}

/** The arguments of a Flux controller that applies (kustomize- or helm-controller): its own metrics and health ports. */
function applierArgs(metricsPort: number, healthPort: number): string[] {
  return [
    '--watch-all-namespaces=true',
    '--enable-leader-election=false',
    '--log-encoding=console',
    `--metrics-addr=127.0.0.1:${metricsPort}`,
    `--health-addr=127.0.0.1:${healthPort}`,
  ];
}

export function kustomizeControllerArgs(layout: ClusterLayout): string[] {
  return applierArgs(layout.ports.kustomizeMetrics, layout.ports.kustomizeHealth);
}

export function helmControllerArgs(layout: ClusterLayout): string[] {
  return applierArgs(layout.ports.helmMetrics, layout.ports.helmHealth);
}

/** The harness's OCI registry (plain HTTP on 127.0.0.1, blobs in memory). */
export function registryArgs(layout: ClusterLayout): string[] {
  return ['serve', `--addr=127.0.0.1:${layout.ports.registry}`];
}

/** Environment of the Flux controllers: controller-runtime reads KUBECONFIG; Flux reads RUNTIME_NAMESPACE. */
export function fluxEnv(layout: ClusterLayout): Record<string, string> {
  const f = files(layout);
  return { KUBECONFIG: f.kubeconfig, RUNTIME_NAMESPACE: 'flux-system', HOME: f.home, TMPDIR: f.tmp };
}

/** A Node that kwok fakes: Ready, with room for many pods, and (by default) no taint, so every pod fits. */
export function fakeNode(name: string, options: { taint?: boolean } = {}) {
  const resources = { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    spec: options.taint ? { taints: [{ key: KWOK_NODE_ANNOTATION, value: 'fake', effect: 'NoSchedule' }] } : {},
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: 'fake',
        kubeProxyVersion: 'fake',
        containerRuntimeVersion: 'fake',
      },
    },
  };
}

/** A kubeconfig with a bearer token (the admin user's, or a ServiceAccount's), trusting the API server's CA. */
export function kubeconfig(server: string, caPem: string, token: string, namespace?: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: e2e',
    '    cluster:',
    `      server: ${server}`,
    `      certificate-authority-data: ${ca}`,
    'users:',
    '  - name: admin',
    '    user:',
    `      token: ${token}`,
    'contexts:',
    '  - name: e2e',
    namespace ? `    context: { cluster: e2e, user: admin, namespace: ${namespace} }` : '    context: { cluster: e2e, user: admin }',
    'current-context: e2e',
    '',
  ].join('\n');
}
