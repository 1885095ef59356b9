import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  type ClusterLayout,
  KWOK_CONFIG,
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  fakeNode,
  files,
  fluxEnv,
  helmControllerArgs,
  kubeconfig,
  kustomizeControllerArgs,
  kwokArgs,
  registryArgs,
  schedulerArgs,
  sourceControllerArgs,
} from './components.js';
import {
  ARGOCD_CONTROLLER,
  ARGOCD_NAMESPACE,
  type ArgoCdLayout,
  NETNS_RELAY,
  argoCdFiles,
  argoCdInstall,
  cmpServerArgs,
  controllerArgs,
  pluginConfig,
  redisConfig,
  repoServerArgs,
} from './argocd-install.js';
import { FLUX_CONTROLLERS, FLUX_SYSTEM, type FluxControllerName, fluxRbac } from './flux-install.js';
import { GitServer } from './git-server.js';
import { type KubeObject, KubeClient, conditionsOf, toObjects } from './kube-client.js';
import { freePorts } from './ports.js';
import { type ExitStatus, ManagedProcess, groupAlive, processAlive } from './process.js';
import { execa } from 'execa';
import { BINARIES, componentCrds, moduleDir, resolveBinaries } from './tools.js';
import { stringify } from 'yaml';
import { type BinaryName, readVersions, repositoryRoot } from './versions.js';
import { httpOk, waitUntil } from './wait.js';

export interface LocalClusterOptions {
  /** Folder for data, certificates, keys and logs. @default a new folder under the system's temporary folder */
  dataDir?: string;
  /** Keep the data folder after stop(), e.g. to read the logs. @default true when the environment has CK8S_E2E_KEEP_DATA=1, else false */
  keepDataDir?: boolean;
  /** Number of fake (kwok) nodes. @default 1 */
  nodes?: number;
  /** Taint the fake nodes `kwok.x-k8s.io/node=fake:NoSchedule`, so only pods that tolerate it land there. @default false */
  taintNodes?: boolean;
  /**
   * Install the Flux CRDs and the RBAC of `flux install`, and run source-controller,
   * kustomize-controller and helm-controller, each as its ServiceAccount. @default true
   */
  flux?: boolean;
  /** Run an OCI registry on 127.0.0.1 (cluster.registry, pushArtifact()). @default false */
  registry?: boolean;
  /** Run the local git server (cluster.git). @default true */
  git?: boolean;
  /** How long each component may take to become healthy. @default 90_000 */
  componentTimeoutMs?: number;
  /** Service IP range. @default '10.96.0.0/16' */
  serviceClusterIpRange?: string;
  /** Repository root, where .tools/e2e and e2e-tools/ are. @default found from this package */
  root?: string;
  /**
   * Extra command-line flags per component, appended after the harness's own (for the Kubernetes
   * components a repeated flag wins), e.g. `{ 'kube-apiserver': ['--audit-policy-file=...'] }`.
   * @default none
   */
  extraArgs?: Partial<Record<ClusterComponent, string[]>>;
}

/** What stop() found: every process the cluster started, and any of them still alive afterwards (none, unless something is badly wrong). */
export interface StopReport {
  pids: number[];
  leftovers: number[];
  /** How each component exited: after SIGTERM normally; `signal: 'SIGKILL'` means it ignored SIGTERM for 5s. */
  exits: Partial<Record<ClusterComponent, ExitStatus>>;
  /** Milliseconds stop() took. */
  ms: number;
}

/** The processes of a cluster, named after the binaries that run them (Argo CD's one binary runs as three). */
export type ClusterComponent = BinaryName | ArgoCdProcess;

/** The processes of Argo CD (startArgoCd()), and the Redis its manifest cache lives in. */
export type ArgoCdProcess = 'redis-server' | 'argocd-repo-server' | 'argocd-cmp-server' | 'argocd-application-controller';

/** How Argo CD is installed: what the platform generated for it (the argo-cd chart's values) and its secrets. */
export interface ArgoCdOptions {
  /** Data of argocd-cm: the chart values' `configs.cm`. */
  settings: Record<string, unknown>;
  /** The config-management plugins, by name: the chart values' `configs.cmp.plugins`. */
  plugins: Record<string, unknown>;
  /** Redis's password (the decrypted `argocd-redis` Secret's `auth`). */
  redisPassword: string;
  /** The cluster's age key file: given to the cmp-server alone, as only the plugin sidecar mounts it. */
  ageKeyFile: string;
  /** Extra PATH entries of the cmp-server, where the plugin finds `sops`. @default none */
  pluginPath?: string[];
}

const ARGOCD_PROCESSES: ArgoCdProcess[] = ['argocd-application-controller', 'argocd-repo-server', 'argocd-cmp-server'];

const CONTROLLERS: ClusterComponent[] = [
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
  'source-controller',
  'kustomize-controller',
  'helm-controller',
  'oci-registry',
];

/** The harness's own arguments of each Flux controller. */
const FLUX_ARGS: Record<FluxControllerName, (layout: ClusterLayout) => string[]> = {
  'source-controller': sourceControllerArgs,
  'kustomize-controller': kustomizeControllerArgs,
  'helm-controller': helmControllerArgs,
};

/**
 * A Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler),
 * kwok faking its nodes, the Flux source-controller, kustomize-controller and helm-controller
 * (each authenticated as its own ServiceAccount, with the RBAC `flux install` creates), a git
 * server and optionally an OCI registry, all as local processes on 127.0.0.1 with random ports.
 * Use in a test:
 *
 *     const cluster = new LocalCluster();
 *     beforeAll(() => cluster.start());
 *     afterAll(() => cluster.stop());
 *
 * stop() is always safe to call: after a failed or half-finished start(), twice, or before start().
 */
export class LocalCluster {
  /** Folder of data, keys and logs (logs/<component>.log). */
  readonly dataDir: string;
  /** Milliseconds each phase of start() took, in order. */
  readonly timings: Record<string, number> = {};
  private readonly options: Required<Omit<LocalClusterOptions, 'dataDir'>>;
  private readonly processes = new Map<ClusterComponent, ManagedProcess>();
  private readonly startedPids: number[] = [];
  private layout: ClusterLayout | undefined;
  private kubeClient: KubeClient | undefined;
  private gitServer: GitServer | undefined;
  private adminToken = '';
  private caPem = '';
  private binaries: Record<BinaryName, string> | undefined;
  /** Arguments given to Flux controllers on top of the harness's own (restartFluxController). */
  private readonly fluxExtraArgs: Partial<Record<FluxControllerName, string[]>> = {};
  private readonly clients: KubeClient[] = [];
  private nodes: string[] = [];
  private stopped: Promise<StopReport> | undefined;
  private readonly relays: net.Server[] = [];

  constructor(options: LocalClusterOptions = {}) {
    this.dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'ck8s-e2e-'));
    this.options = {
      keepDataDir: options.keepDataDir ?? process.env.CK8S_E2E_KEEP_DATA === '1',
      nodes: options.nodes ?? 1,
      taintNodes: options.taintNodes ?? false,
      flux: options.flux ?? true,
      registry: options.registry ?? false,
      git: options.git ?? true,
      componentTimeoutMs: options.componentTimeoutMs ?? 90_000,
      serviceClusterIpRange: options.serviceClusterIpRange ?? '10.96.0.0/16',
      root: options.root ?? repositoryRoot(),
      extraArgs: options.extraArgs ?? {},
    };
  }

  /** Creates and starts a cluster; stops it again if starting fails. */
  static async start(options: LocalClusterOptions = {}): Promise<LocalCluster> {
    const cluster = new LocalCluster(options);
    await cluster.start();
    return cluster;
  }

  /**
   * Starts every component and waits until each is healthy, the fake nodes are Ready and (with
   * Flux) the Flux CRDs are established and the flux-system namespace exists.
   * @throws Error naming the component that failed, with the tail of its log; everything started is stopped again
   */
  async start(): Promise<void> {
    if (this.layout) throw new Error('the cluster was started already; use a new LocalCluster');
    try {
      await this.startAll();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** URL of the API server, e.g. `https://127.0.0.1:40123`. */
  get server(): string {
    return `https://127.0.0.1:${this.requireLayout().ports.apiserver}`;
  }

  /** Path of a kubeconfig for the admin user (a static token in group system:masters, verifying the API server's CA). */
  get kubeconfigPath(): string {
    return files(this.requireLayout()).kubeconfig;
  }

  /** The admin user's bearer token. */
  get token(): string {
    return this.adminToken;
  }

  /** PEM of the CA that signed the API server's serving certificate. */
  get caCertificate(): string {
    return this.caPem;
  }

  /** A client acting as the admin user. */
  get client(): KubeClient {
    if (!this.kubeClient) throw new Error('the cluster is not started');
    return this.kubeClient;
  }

  /**
   * A client acting as another user through impersonation (the admin may impersonate anyone), e.g.
   * a tenant admin: `clientAs('alice', ['oidc:team-a-admins'])`. `system:authenticated` is added, as the API server adds it to every authenticated user.
   */
  clientAs(user: string, groups: readonly string[] = []): KubeClient {
    const client = new KubeClient({
      server: this.server,
      token: this.adminToken,
      ca: this.caPem,
      impersonate: { user, groups: [...groups, 'system:authenticated'] },
      diagnostics: () => this.diagnostics(),
    });
    this.clients.push(client);
    return client;
  }

  /** `host:port` of the OCI registry (when the `registry` option is on), e.g. `127.0.0.1:40125`. */
  get registry(): string {
    if (!this.options.registry || !this.processes.has('oci-registry'))
      throw new Error('the cluster has no OCI registry (not started, or started without registry: true)');
    return `127.0.0.1:${this.requireLayout().ports.registry}`;
  }

  /**
   * Pushes a folder to the registry as a Flux artifact (`flux push artifact`'s format, through
   * fluxcd/pkg/oci), e.g. `pushArtifact('fluxcd/flux-manifests:v2.7.3', dir)`.
   * @returns the pushed reference with its digest
   */
  async pushArtifact(reference: string, dir: string, meta: { source?: string; revision?: string } = {}): Promise<string> {
    const binary = this.binaries?.['oci-registry'];
    if (!binary) throw new Error('the cluster has no OCI registry (not started, or started without registry: true)');
    const args = [
      'push',
      `--url=${this.registry}/${reference}`,
      `--path=${dir}`,
      ...(meta.source ? [`--source=${meta.source}`] : []),
      ...(meta.revision ? [`--revision=${meta.revision}`] : []),
    ];
    const { stdout } = await execa(binary, args, { env: { HOME: files(this.requireLayout()).home }, extendEnv: false });
    return stdout.trim();
  }

  /** The arguments a running Flux controller was started with. */
  fluxControllerArgs(controller: FluxControllerName): string[] {
    return [...FLUX_ARGS[controller](this.requireLayout()), ...(this.fluxExtraArgs[controller] ?? []), ...(this.options.extraArgs[controller] ?? [])];
  }

  /**
   * Restarts a Flux controller with these arguments after the harness's own, as Kubernetes
   * restarts a controller whose Deployment changed (e.g. when Flux applies its own install
   * manifests with new flags).
   */
  async restartFluxController(controller: FluxControllerName, extraArgs: readonly string[]): Promise<void> {
    await this.processes.get(controller)?.stop();
    this.fluxExtraArgs[controller] = [...extraArgs];
    await this.startFluxController(controller);
  }

  /** The git server (when the `git` option is on). */
  get git(): GitServer {
    if (!this.gitServer) throw new Error('the cluster has no git server (not started, or started with git: false)');
    return this.gitServer;
  }

  /** Names of the fake nodes. */
  get nodeNames(): readonly string[] {
    return this.nodes;
  }

  /** Process ids of every process the cluster started (also those that have exited). */
  pids(): number[] {
    return [...this.startedPids];
  }

  /** The last lines of a component's log. */
  logs(component: ClusterComponent, lines = 40): string {
    return this.processes.get(component)?.tail(lines) ?? '';
  }

  /** The tails of several components' logs, headed by their names, for failure messages. @default components: the controllers */
  diagnostics(components: ClusterComponent[] = [...CONTROLLERS, ...ARGOCD_PROCESSES, 'redis-server'], lines = 15): string {
    return components
      .filter((c) => this.processes.has(c))
      .map((c) => `--- ${c} (${this.processes.get(c)?.logFile}) ---\n${this.logs(c, lines)}`)
      .join('\n');
  }

  /** Creates (server-side applies) a namespace and waits for its `default` ServiceAccount, without which pods are refused. */
  async createNamespace(name: string, labels: Record<string, string> = {}): Promise<KubeObject> {
    const [namespace] = await this.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    await this.client.waitFor({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'default', namespace: name }, (sa) => sa !== undefined, {
      what: 'to be created by kube-controller-manager',
      timeoutMs: 30_000,
    });
    return namespace as KubeObject;
  }

  /**
   * Stops every process (their whole process groups: SIGTERM, SIGKILL after 5s), the git server,
   * and removes the data folder unless kept. Never throws; safe to call at any time and repeatedly.
   */
  stop(): Promise<StopReport> {
    this.stopped ??= this.stopAll();
    return this.stopped;
  }

  /**
   * Installs and runs Argo CD as the platform's bootstrap does: its CRDs (from the pinned module)
   * and those of the other components (Gateway API, Prometheus operator), the namespace, the
   * controller's account, argocd-cm with the generated settings, then Redis (Debian's
   * redis-server, with the generated password), the repo-server, the cmp-server of each generated
   * plugin (with the age key, which no other process gets) and the application-controller, as
   * its ServiceAccount. Apply the project and the root Application afterwards.
   * @throws Error naming the process that failed to start, with its log
   */
  async startArgoCd(options: ArgoCdOptions): Promise<void> {
    const layout = this.requireLayout();
    const root = this.options.root;
    const versions = readVersions(root);
    const binary = resolveBinaries(root, ['argocd'], versions).argocd;
    const redis = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((f) => existsSync(f));
    if (!redis)
      throw new Error("redis-server is not installed; Argo CD caches in Redis: install Debian's redis-server (apt-get install redis-server)");
    const [redisPort, repoServerPort, repoServerMetricsPort, controllerMetricsPort] = await freePorts(4);
    const argo: ArgoCdLayout = {
      dir: path.join(this.dataDir, 'argocd'),
      apiserverPort: layout.ports.apiserver,
      redisPort: redisPort!,
      repoServerPort: repoServerPort!,
      repoServerMetricsPort: repoServerMetricsPort!,
      controllerMetricsPort: controllerMetricsPort!,
    };
    const f = argoCdFiles(argo);
    for (const dir of [argo.dir, f.redisData, f.pluginConfigDir, f.pluginSockets, f.relay]) mkdirSync(dir, { recursive: true, mode: 0o700 });

    const crds = [...(await componentCrds(root, versions, (n) => !(FLUX_CONTROLLERS as readonly string[]).includes(n))).values()].flatMap((text) =>
      toObjects(text),
    );
    await this.client.apply(crds);
    await Promise.all(
      crds.map((crd) =>
        this.client.waitForCondition({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name }, 'Established', {
          timeoutMs: this.options.componentTimeoutMs,
        }),
      ),
    );
    await this.client.apply(argoCdInstall(options.settings));

    writeFileSync(f.redisConfig, redisConfig(argo, options.redisPassword), { mode: 0o600 });
    this.spawn('redis-server', redis, [f.redisConfig]);
    await this.waitFor('redis-server', `a connection to 127.0.0.1:${argo.redisPort}`, () => tcpOpen(argo.redisPort));

    const plugins = Object.entries(options.plugins);
    if (plugins.length !== 1) throw new Error(`the harness runs one config-management plugin; the settings have ${plugins.length}`);
    const [[pluginName, pluginSpec]] = plugins as [[string, unknown]];
    writeFileSync(path.join(f.pluginConfigDir, 'plugin.yaml'), stringify(pluginConfig(pluginName, pluginSpec)));
    const systemPath = process.env.PATH ?? '/usr/bin:/bin';
    const pluginSocket = path.join(f.pluginSockets, `${pluginName}.sock`);
    this.spawn('argocd-cmp-server', binary, cmpServerArgs(argo), {
      ARGOCD_BINARY_NAME: 'argocd-cmp-server',
      ARGOCD_PLUGINSOCKFILEPATH: f.pluginSockets,
      SOPS_AGE_KEY_FILE: options.ageKeyFile,
      PATH: [...(options.pluginPath ?? []), systemPath].join(':'),
    });
    await this.waitFor('argocd-cmp-server', `its socket ${pluginSocket}`, () => existsSync(pluginSocket) || undefined);

    // the repo-server runs git-verify-wrapper.sh on every revision it generates manifests of, even
    // with GnuPG off (it then finds no signature, which the AppProject does not require); the image
    // ships the module's hack/ script on PATH, the module cache keeps it without its execute bit
    const wrapperDir = path.join(argo.dir, 'bin');
    mkdirSync(wrapperDir, { recursive: true, mode: 0o700 });
    const wrapper = path.join(wrapperDir, 'git-verify-wrapper.sh');
    copyFileSync(path.join(await moduleDir(root, versions.components.argocd), 'hack', 'git-verify-wrapper.sh'), wrapper);
    chmodSync(wrapper, 0o755);
    this.spawn('argocd-repo-server', binary, repoServerArgs(argo), {
      ARGOCD_BINARY_NAME: 'argocd-repo-server',
      ARGOCD_PLUGINSOCKFILEPATH: f.pluginSockets,
      ARGOCD_ASK_PASS_SOCK: f.askPassSocket,
      // no GnuPG keyring: the AppProject requires no signed commits
      ARGOCD_GPG_ENABLED: 'false',
      REDIS_PASSWORD: options.redisPassword,
      PATH: `${wrapperDir}:${systemPath}`,
    });
    await this.waitHealthy('argocd-repo-server', `http://127.0.0.1:${argo.repoServerMetricsPort}/metrics`);

    // the controller acts as its ServiceAccount, as in the cluster
    const answer = await this.client.request<{ status: { token: string } }>(
      'POST',
      `/api/v1/namespaces/${ARGOCD_NAMESPACE}/serviceaccounts/${ARGOCD_CONTROLLER}/token`,
      { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 24 * 3600 } } },
    );
    writeFileSync(f.controllerKubeconfig, kubeconfig(this.server, this.caPem, answer.status.token, ARGOCD_NAMESPACE), { mode: 0o600 });
    const env = {
      ARGOCD_BINARY_NAME: 'argocd-application-controller',
      ARGOCD_FAKE_IN_CLUSTER: 'true',
      KUBECONFIG: f.controllerKubeconfig,
      REDIS_PASSWORD: options.redisPassword,
    };
    const unshare = await networkNamespaceCommand();
    if (!unshare) {
      // no network namespace to be had (no unshare, or neither root nor user namespaces): its
      // metrics port then listens on every interface of this machine while the test runs
      this.spawn('argocd-application-controller', binary, controllerArgs(argo), env);
      return;
    }
    const relayed = [argo.apiserverPort, argo.repoServerPort, argo.redisPort];
    for (const port of relayed) this.relays.push(await relayToLoopback(path.join(f.relay, `${port}.sock`), port));
    this.spawn(
      'argocd-application-controller',
      unshare[0]!,
      [
        ...unshare.slice(1),
        '--',
        'sh',
        '-c',
        'ip link set lo up && { "$E2E_NODE" -e "$E2E_RELAY" "$E2E_RELAY_DIR" $E2E_RELAY_PORTS & } && exec "$@"',
        'sh',
        binary,
        ...controllerArgs(argo),
      ],
      {
        ...env,
        E2E_NODE: process.execPath,
        E2E_RELAY: NETNS_RELAY,
        E2E_RELAY_DIR: f.relay,
        E2E_RELAY_PORTS: relayed.join(' '),
        PATH: `${systemPath}:/usr/sbin:/sbin`,
      },
    );
  }

  private async startAll(): Promise<void> {
    const needed = BINARIES.filter(
      (b) => (this.options.flux || !(FLUX_CONTROLLERS as readonly string[]).includes(b)) && (this.options.registry || b !== 'oci-registry'),
    );
    const binaries = resolveBinaries(this.options.root, needed);
    this.binaries = binaries;
    const p = await freePorts(14);
    this.layout = {
      dataDir: this.dataDir,
      serviceClusterIpRange: this.options.serviceClusterIpRange,
      ports: {
        etcdClient: p[0]!,
        etcdPeer: p[1]!,
        apiserver: p[2]!,
        controllerManager: p[3]!,
        scheduler: p[4]!,
        kwok: p[5]!,
        sourceStorage: p[6]!,
        sourceMetrics: p[7]!,
        sourceHealth: p[8]!,
        kustomizeMetrics: p[9]!,
        kustomizeHealth: p[10]!,
        helmMetrics: p[11]!,
        helmHealth: p[12]!,
        registry: p[13]!,
      },
    };
    const layout = this.layout;
    const f = files(layout);

    await this.phase('prepare', async () => {
      for (const dir of [
        f.etcdData,
        f.apiserverCerts,
        path.dirname(f.ca),
        f.controllerManagerCerts,
        f.schedulerCerts,
        path.dirname(f.kwokConfig),
        f.sourceStorage,
        f.logs,
        f.home,
        f.tmp,
      ]) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
      }
      // the key pair that signs and verifies service account tokens
      const { privateKey, publicKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      });
      writeFileSync(f.serviceAccountKey, privateKey, { mode: 0o600 });
      writeFileSync(f.serviceAccountPub, publicKey);
      // a fresh admin token per cluster: token,user,uid,"groups" (the Flux controllers get
      // tokens of their ServiceAccounts once the API server runs)
      this.adminToken = randomBytes(24).toString('hex');
      writeFileSync(f.tokens, `${this.adminToken},admin,admin,"system:masters"\n`, { mode: 0o600 });
      writeFileSync(f.kwokConfig, KWOK_CONFIG);
    });

    await this.phase('etcd', async () => {
      this.spawn('etcd', binaries.etcd, etcdArgs(layout));
      await this.waitHealthy('etcd', `http://127.0.0.1:${layout.ports.etcdClient}/health`);
    });

    await this.phase('kube-apiserver', async () => {
      this.spawn('kube-apiserver', binaries['kube-apiserver'], apiserverArgs(layout));
      this.caPem = await this.waitFor('kube-apiserver', 'its serving certificate', () => readServingCa(f.apiserverServingCert));
      writeFileSync(f.ca, this.caPem);
      writeFileSync(f.kubeconfig, kubeconfig(this.server, this.caPem, this.adminToken), { mode: 0o600 });
      await this.waitHealthy('kube-apiserver', `${this.server}/readyz`, { ca: this.caPem, token: this.adminToken });
      this.kubeClient = new KubeClient({ server: this.server, token: this.adminToken, ca: this.caPem, diagnostics: () => this.diagnostics() });
    });

    // everything else only needs the API server: start it side by side (the timings of these
    // phases overlap; 'rest' is their total)
    await this.phase('rest', async () => {
      this.spawn('kube-controller-manager', binaries['kube-controller-manager'], controllerManagerArgs(layout));
      this.spawn('kube-scheduler', binaries['kube-scheduler'], schedulerArgs(layout));
      this.spawn('kwok', binaries.kwok, kwokArgs(layout));
      await Promise.all([
        this.phase('kube-controller-manager', () =>
          this.waitHealthy('kube-controller-manager', `https://127.0.0.1:${layout.ports.controllerManager}/healthz`),
        ),
        this.phase('kube-scheduler', () => this.waitHealthy('kube-scheduler', `https://127.0.0.1:${layout.ports.scheduler}/healthz`)),
        this.phase('kwok', () => this.waitHealthy('kwok', `http://127.0.0.1:${layout.ports.kwok}/healthz`)).then(() =>
          this.phase('nodes', () => this.createNodes()),
        ),
        this.options.git ? this.phase('git server', () => this.startGit()) : undefined,
        this.options.flux ? this.phase('flux', () => this.startFlux()) : undefined,
        this.options.registry ? this.phase('oci-registry', () => this.startRegistry(binaries, layout)) : undefined,
      ]);
    });
  }

  /** Creates the fake nodes and waits until they can take pods. */
  private async createNodes(): Promise<void> {
    this.nodes = Array.from({ length: this.options.nodes }, (_, i) => `kwok-node-${i}`);
    for (const name of this.nodes) await this.client.create(fakeNode(name, { taint: this.options.taintNodes }));
    // Ready (kwok's heartbeat), and without the not-ready taint, which the node lifecycle
    // controller of kube-controller-manager lifts once it runs (it starts some seconds after the
    // manager's /healthz passes, which makes this the longest phase): until then pods stay Pending
    await Promise.all(
      this.nodes.map((name) =>
        this.client.waitFor(
          { apiVersion: 'v1', kind: 'Node', name },
          (node) => conditionsOf(node).some((c) => c.type === 'Ready' && c.status === 'True') && !hasNotReadyTaint(node),
          {
            timeoutMs: this.options.componentTimeoutMs,
            what: 'to be made Ready by kwok and untainted by kube-controller-manager',
          },
        ),
      ),
    );
  }

  private async startGit(): Promise<void> {
    const server = await GitServer.start({ root: path.join(this.dataDir, 'git') });
    if (this.stopped) {
      await server.stop();
      throw new Error('not starting the git server: the cluster is stopping');
    }
    this.gitServer = server;
  }

  /**
   * What `flux install` does, then the controllers: the CRDs, the flux-system namespace, the
   * controllers' ServiceAccounts and RBAC, and each controller as its ServiceAccount (a token
   * from the TokenRequest API in its own kubeconfig), so RBAC and admission see what a real
   * cluster sees.
   */
  private async startFlux(): Promise<void> {
    const crds = [...(await componentCrds(this.options.root, undefined, (n) => n !== 'argocd')).values()].flatMap((text) => toObjects(text));
    await this.client.apply(crds);
    await Promise.all(
      crds.map((crd) =>
        this.client.waitForCondition({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name }, 'Established', {
          timeoutMs: this.options.componentTimeoutMs,
        }),
      ),
    );
    await this.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: FLUX_SYSTEM } });
    await this.client.apply(fluxRbac());
    await Promise.all(FLUX_CONTROLLERS.map((c) => this.startFluxController(c)));
  }

  private async startFluxController(controller: FluxControllerName): Promise<void> {
    const layout = this.requireLayout();
    const f = files(layout);
    const answer = await this.client.request<{ status: { token: string } }>(
      'POST',
      `/api/v1/namespaces/${FLUX_SYSTEM}/serviceaccounts/${controller}/token`,
      {
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 24 * 3600 } },
      },
    );
    writeFileSync(f.controllerKubeconfig(controller), kubeconfig(this.server, this.caPem, answer.status.token), { mode: 0o600 });
    const env = { ...fluxEnv(layout), KUBECONFIG: f.controllerKubeconfig(controller) };
    this.spawn(controller, this.requireBinaries()[controller], [...FLUX_ARGS[controller](layout), ...(this.fluxExtraArgs[controller] ?? [])], env);
    const health = {
      'source-controller': layout.ports.sourceHealth,
      'kustomize-controller': layout.ports.kustomizeHealth,
      'helm-controller': layout.ports.helmHealth,
    }[controller];
    await this.waitHealthy(controller, `http://127.0.0.1:${health}/readyz`);
  }

  private async startRegistry(binaries: Record<BinaryName, string>, layout: ClusterLayout): Promise<void> {
    this.spawn('oci-registry', binaries['oci-registry'], registryArgs(layout));
    await this.waitHealthy('oci-registry', `http://127.0.0.1:${layout.ports.registry}/v2/`);
  }

  private spawn(name: ClusterComponent, command: string, args: string[], env: Record<string, string> = {}): ManagedProcess {
    // stop() may run while start() is still going (a test framework's hook timeout): start nothing more
    if (this.stopped) throw new Error(`not starting ${name}: the cluster is stopping`);
    const f = files(this.requireLayout());
    const allArgs = [...args, ...(this.options.extraArgs[name] ?? [])];
    const proc = ManagedProcess.start({
      name,
      command,
      args: allArgs,
      env: { HOME: f.home, TMPDIR: f.tmp, ...env },
      logFile: path.join(f.logs, `${name}.log`),
    });
    this.processes.set(name, proc);
    this.startedPids.push(proc.pid);
    return proc;
  }

  /** Waits for a probe of a component; fails at once, with its log, if the component exits. */
  private waitFor<T>(component: ClusterComponent, what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
    const proc = this.processes.get(component);
    return waitUntil(probe, {
      what: `${component} (${what})`,
      timeoutMs: this.options.componentTimeoutMs,
      abort: () => {
        const status = proc?.exitStatus;
        return status ? `exited with ${status.signal ?? `code ${status.code}`} while starting` : undefined;
      },
      details: () => `--- last lines of ${proc?.logFile} ---\n${proc?.tail(40) ?? ''}`,
    });
  }

  private waitHealthy(component: ClusterComponent, url: string, options: { ca?: string; token?: string } = {}): Promise<true> {
    return this.waitFor(component, `GET ${url}`, httpOk(url, options));
  }

  private async phase(name: string, run: () => Promise<unknown>): Promise<void> {
    const started = Date.now();
    await run();
    this.timings[name] = Date.now() - started;
  }

  private async stopAll(): Promise<StopReport> {
    const started = Date.now();
    this.kubeClient?.close();
    for (const client of this.clients) client.close();
    const stopping = (names: ClusterComponent[]) => Promise.all(names.map((n) => this.processes.get(n)?.stop() ?? Promise.resolve()));
    // clients first, so that they do not spin on a vanished API server; etcd last
    await Promise.all([stopping([...CONTROLLERS, ...ARGOCD_PROCESSES]), this.gitServer?.stop().catch(() => undefined)]);
    await stopping(['redis-server']);
    for (const relay of this.relays) relay.close();
    await stopping(['kube-apiserver']);
    await stopping(['etcd']);
    const leftovers = this.startedPids.filter((pid) => processAlive(pid) || groupAlive(pid));
    if (!this.options.keepDataDir) rmSync(this.dataDir, { recursive: true, force: true, maxRetries: 3 });
    const exits: StopReport['exits'] = {};
    for (const [name, proc] of this.processes) if (proc.exitStatus) exits[name] = proc.exitStatus;
    return { pids: this.pids(), leftovers, exits, ms: Date.now() - started };
  }

  private requireBinaries(): Record<BinaryName, string> {
    if (!this.binaries) throw new Error('the cluster is not started');
    return this.binaries;
  }

  private requireLayout(): ClusterLayout {
    if (!this.layout) throw new Error('the cluster is not started');
    return this.layout;
  }
}

/**
 * The CA of the serving certificate kube-apiserver wrote into --cert-dir (the file holds the
 * certificate followed by its CA); undefined until the file is complete.
 */
function readServingCa(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const blocks = readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
  const ca = blocks.find((pem) => new X509Certificate(pem).ca);
  return ca;
}

/**
 * The command that runs a program in a new network namespace with loopback up: `unshare --net` as
 * root, `unshare --net --map-root-user` where user namespaces are allowed; undefined when neither works.
 */
async function networkNamespaceCommand(): Promise<string[] | undefined> {
  const unshare = ['/usr/bin/unshare', '/bin/unshare'].find((u) => existsSync(u));
  if (!unshare) return undefined;
  for (const flags of [['--net'], ['--net', '--map-root-user']]) {
    const probe = await execa(unshare, [...flags, '--', 'sh', '-c', 'ip link set lo up'], {
      reject: false,
      env: { PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin` },
    });
    if (probe.exitCode === 0) return [unshare, ...flags];
  }
  return undefined;
}

/** True once something accepts connections on 127.0.0.1:port. */
function tcpOpen(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}

/** A unix socket whose connections are piped to 127.0.0.1:port (the host side of a network namespace's relay). */
function relayToLoopback(socketPath: string, port: number): Promise<net.Server> {
  const server = net.createServer((c) => {
    const upstream = net.connect(port, '127.0.0.1');
    c.pipe(upstream);
    upstream.pipe(c);
    c.on('error', () => upstream.destroy());
    upstream.on('error', () => c.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve(server));
  });
}

function hasNotReadyTaint(node: KubeObject | undefined): boolean {
  const taints = (node?.spec as { taints?: { key: string }[] } | undefined)?.taints ?? [];
  return taints.some((t) => t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable');
}
