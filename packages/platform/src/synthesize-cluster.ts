import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ARGOCD_FOLDER } from '@ck8s/gitops';
import {
  ARGOCD_NAMESPACE,
  type ChartCatalog,
  type ConfigProblem,
  ConfigError,
  componentsOf,
  type ExtraFile,
  type Fleet,
  isScratchName,
  type Layer,
  parseYamlFile,
  renderApp,
  type RenderedTree,
  type Workspace,
} from '@ck8s/core';
import { encryptionProblems, parseSecretFileName } from '@ck8s/secrets';
import { ApiObject, App, Chart } from 'cdk8s';
import { composeCluster } from './compose-cluster.js';
import { checkSecretRequirements } from './secret-requirements.js';
import { type PlatformExceptionReport, platformExceptionsOf } from './platform-exceptions.js';

export interface SynthesizeClusterProps {
  readonly workspace: Workspace;
  readonly fleet: Fleet;
  readonly catalog: ChartCatalog;
  readonly name: string;
  /** Collects the exceptions of the platform's namespaces from its admission rules that the components declare. @default not collected */
  readonly exceptions?: PlatformExceptionReport[];
}

/**
 * Synthesizes one cluster in memory: composes its components, renders them, and places each
 * encrypted Secret of `secrets/<name>/` verbatim (so the sops MAC stays valid) in the layer
 * that creates its namespace. Nothing is written to disk here.
 * @throws ConfigError when a Secret is not sops-encrypted, or names a namespace the cluster does not create
 */
export function synthesizeCluster(props: SynthesizeClusterProps): RenderedTree {
  const cluster = props.fleet.clusters.get(props.name);
  if (!cluster) throw new Error(`unknown cluster "${props.name}"; clusters: ${[...props.fleet.clusters.keys()].join(', ') || 'none'}`);
  const app = new App();
  const extra = composeCluster(app, { cluster, fleet: props.fleet, catalog: props.catalog }).nodeFiles();
  props.exceptions?.push(...platformExceptionsOf(app, props.name));
  const argocd = cluster.gitops.engine === 'argocd';
  const secrets = placeSecrets(props.workspace, props.name, namespaceLayers(app, argocd ? ARGOCD_NAMESPACE : 'flux-system'));
  checkSecretRequirements(app, props.name, secrets);
  return renderApp(app, [...extra, ...secrets], argocd ? { bootstrapFolder: ARGOCD_FOLDER } : {});
}

/** The layer that creates each namespace of the cluster; the GitOps engine's namespace exists from bootstrap. */
function namespaceLayers(app: App, engineNamespace: string): Map<string, Layer> {
  const layers = new Map<string, Layer>([[engineNamespace, 'flux-system']]);
  for (const component of componentsOf(app)) {
    // the component's own objects, read without rendering them (toJson() resolves the whole app)
    for (const object of component.node.findAll()) {
      if (ApiObject.isApiObject(object) && object.kind === 'Namespace' && Chart.of(object) === component) layers.set(object.name, component.layer);
    }
  }
  return layers;
}

function placeSecrets(workspace: Workspace, cluster: string, layers: ReadonlyMap<string, Layer>): ExtraFile[] {
  const dir = path.join(workspace.secretsDir, cluster);
  if (!existsSync(dir)) return [];
  const problems: ConfigProblem[] = [];
  const files: ExtraFile[] = [];
  for (const entry of readdirSync(dir).sort()) {
    // the temporary file of a `secrets set` in progress (a dead run's is removed before synth)
    if (isScratchName(entry)) continue;
    const file = workspace.relative(path.join(dir, entry));
    const ref = parseSecretFileName(entry);
    if (!ref) {
      problems.push({ file, path: '(file name)', message: 'is not <namespace>.<name>.sops.yaml; only sops-encrypted Secrets belong in secrets/' });
      continue;
    }
    const { namespace } = ref;
    const layer = layers.get(namespace);
    if (!layer) {
      problems.push({
        file,
        path: 'metadata.namespace',
        message: `"${namespace}" is not a namespace of cluster ${cluster}; namespaces: ${[...layers.keys()].sort().join(', ')}`,
      });
      continue;
    }
    const content = readFileSync(path.join(dir, entry), 'utf8');
    const parsed = parseYamlFile(content, file);
    if (parsed.problems.length > 0) {
      problems.push(...parsed.problems);
      continue;
    }
    // a plaintext Secret must never be copied into the output Flux applies
    const unencrypted = encryptionProblems(parsed.data);
    if (unencrypted.length > 0) {
      problems.push(...unencrypted.map((p) => ({ file, path: p.path, message: `${p.message} (not copied into the cluster output)` })));
      continue;
    }
    files.push({ layer, path: `secrets/${entry}`, content });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return files;
}
