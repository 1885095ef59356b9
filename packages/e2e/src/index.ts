export { type BuildResult, type BuildToolsOptions, buildTools } from './build-tools.js';
export { type ArgoCdOptions, type ArgoCdProcess, type ClusterComponent, LocalCluster, type LocalClusterOptions, type StopReport } from './cluster.js';
export { KWOK_NODE_ANNOTATION, fakeNode } from './components.js';
export { GitServer, type GitServerOptions, gitEnv } from './git-server.js';
export { GitWorkTree, type GitWorkTreeOptions } from './git-worktree.js';
export { E2E_SERVICE_CLUSTER, fleetWorkTree } from './fleet-work-tree.js';
export {
  type ApplyOptions,
  type Condition,
  KubeApiError,
  KubeClient,
  type KubeClientOptions,
  type KubeObject,
  type ObjectRef,
  type WaitForOptions,
  conditionsOf,
  toObjects,
} from './kube-client.js';
export { type ExitStatus, ManagedProcess, type ProcessOptions, groupAlive, liveProcesses, processAlive } from './process.js';
export { freePort, freePorts } from './ports.js';
export { BINARIES, componentCrds, moduleDir, resolveBinaries } from './tools.js';
export { ARGOCD_CONTROLLER, ARGOCD_NAMESPACE, argoCdInstall, pluginConfig } from './argocd-install.js';
export { type BinaryName, type Versions, binaryPath, readVersions, repositoryRoot } from './versions.js';
export { WaitTimeoutError, httpGet, sleep, waitUntil } from './wait.js';
export { type GitRepositoryOptions, type KustomizationOptions, gitRepository, kustomization, requestReconcile, waitForRevision } from './flux.js';
export { FLUX_CONTROLLERS, FLUX_SYSTEM, type FluxControllerName, INSTALL_ARGS, fluxDeployment, fluxRbac } from './flux-install.js';
