import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One pinned component of e2e-tools/versions.json: a Go module built from a wrapper module. */
export interface Component {
  /** The upstream Go module whose release is pinned, e.g. `k8s.io/kubernetes`. */
  module: string;
  /** The pinned release, e.g. `v1.33.13`; the wrapper's go.mod requires the same. */
  version: string;
  /** Folder of the wrapper Go module, relative to e2e-tools/. */
  wrapper: string;
  /** Binary name to the Go package (a main package) it is built from; none for a module that only ships CRDs. */
  binaries: Record<string, string>;
  /** Folder inside the module that holds CRD manifests, if the component ships CRDs. */
  crds?: string;
  /** The opt-in scenario that needs it (e.g. `backup`): built only by that suite's build, never by default, and not installed into every cluster. @default needed by every run */
  suite?: string;
  /** Go toolchain the module needs when newer than the installed one, e.g. `go1.27.4` (GOTOOLCHAIN of its build). @default the installed Go */
  go?: string;
}

export type ComponentName =
  | 'kubernetes'
  | 'etcd'
  | 'kwok'
  | 'source-controller'
  | 'kustomize-controller'
  | 'helm-controller'
  | 'oci-registry'
  | 'gateway-api'
  | 'prometheus-operator'
  | 'argocd'
  | 'velero'
  | 'velero-plugin-for-aws'
  | 'versitygw';

/** Every binary the harness runs. */
export type BinaryName =
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'etcd'
  | 'kwok'
  | 'source-controller'
  | 'kustomize-controller'
  | 'helm-controller'
  | 'oci-registry'
  | 'argocd'
  | 'velero'
  | 'velero-plugin-for-aws'
  | 'versitygw';

export interface Versions {
  /** The Flux release of the Flux controllers (e.g. `v2.7.3`); charts/catalog.yaml pins the same. */
  flux: string;
  components: Record<ComponentName, Component>;
}

/**
 * The repository root: the nearest folder above this file that holds e2e-tools/versions.json.
 * Found by walking up so that the same code works from src/ (tests) and dist/ (the build CLI).
 */
export function repositoryRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'e2e-tools', 'versions.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`e2e-tools/versions.json not found above ${from}`);
  }
}

/** Reads and checks e2e-tools/versions.json. */
export function readVersions(root: string = repositoryRoot()): Versions {
  const file = path.join(root, 'e2e-tools', 'versions.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Versions>;
  const required: ComponentName[] = [
    'kubernetes',
    'etcd',
    'kwok',
    'source-controller',
    'kustomize-controller',
    'helm-controller',
    'oci-registry',
    'argocd',
  ];
  if (typeof parsed.flux !== 'string' || !/^v[0-9]+\.[0-9]+\.[0-9]+$/.test(parsed.flux))
    throw new Error(`${file}: flux needs the Flux release of the controllers, e.g. v2.7.3`);
  for (const name of required) {
    const c = parsed.components?.[name];
    if (!c || typeof c.module !== 'string' || typeof c.version !== 'string' || typeof c.wrapper !== 'string' || typeof c.binaries !== 'object') {
      throw new Error(`${file}: components.${name} needs module, version, wrapper and binaries`);
    }
  }
  return parsed as Versions;
}

/** The component that builds a binary. */
export function componentOf(versions: Versions, binary: BinaryName): [ComponentName, Component] {
  for (const [name, c] of Object.entries(versions.components) as [ComponentName, Component][]) {
    if (binary in c.binaries) return [name, c];
  }
  throw new Error(`no component in e2e-tools/versions.json builds ${binary}`);
}

/** Where built binaries live: project-local and gitignored (.tools/ is in .gitignore). */
export function toolsCacheDir(root: string): string {
  return path.join(root, '.tools', 'e2e');
}

/** The cache path of a binary: keyed by name and pinned version, e.g. `.tools/e2e/etcd-v3.5.24`. */
export function binaryPath(root: string, versions: Versions, binary: BinaryName): string {
  const [, component] = componentOf(versions, binary);
  return path.join(toolsCacheDir(root), `${binary}-${component.version}`);
}
