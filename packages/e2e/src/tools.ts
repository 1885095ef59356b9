import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { type BinaryName, type ComponentName, type Versions, binaryPath, readVersions } from './versions.js';

/** Every binary a full cluster runs. */
export const BINARIES: readonly BinaryName[] = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
  'source-controller',
  'kustomize-controller',
  'helm-controller',
  'oci-registry',
];

/**
 * The cached binaries of the pinned versions.
 * @param needed the binaries to look for. @default every binary
 * @throws Error listing the binaries that are not built and how to build them
 */
export function resolveBinaries(
  root: string,
  needed: readonly BinaryName[] = BINARIES,
  versions: Versions = readVersions(root),
): Record<BinaryName, string> {
  const found = {} as Record<BinaryName, string>;
  const missing: string[] = [];
  for (const binary of needed) {
    const file = binaryPath(root, versions, binary);
    if (existsSync(file)) found[binary] = file;
    else missing.push(path.relative(root, file));
  }
  if (missing.length > 0) {
    throw new Error(
      `e2e binaries not built: ${missing.join(', ')}; run \`npm run test:e2e\` (or \`npm run tools -w @ck8s/e2e\`), which builds the versions pinned in e2e-tools/versions.json`,
    );
  }
  return found;
}

/**
 * The CRD manifests to install: those the components ship (the Flux controllers, the Gateway API), read from the
 * module's folder in the Go module cache (`go mod download -json` in the component's wrapper
 * module gives that folder for exactly the version its go.mod pins, downloading it if needed).
 * @returns file path to YAML text
 * @throws Error naming the component whose CRDs cannot be found
 */
export async function componentCrds(
  root: string,
  versions: Versions = readVersions(root),
  include: (name: ComponentName) => boolean = () => true,
): Promise<Map<string, string>> {
  const crds = new Map<string, string>();
  for (const [name, component] of Object.entries(versions.components) as [ComponentName, Versions['components'][ComponentName]][]) {
    // an opt-in suite's component is not part of every cluster (its scenario installs what it needs)
    if (!component.crds || component.suite || !include(name)) continue;
    let dir: string;
    try {
      dir = path.join(await moduleDir(root, component), component.crds);
    } catch (e) {
      throw new Error(`cannot locate the CRDs of ${name} (${component.module}@${component.version}) in the Go module cache: ${(e as Error).message}`);
    }
    // only CRDs: a folder may also hold a kustomization.yaml or admission policies of the project's own
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => [path.join(dir, f), readFileSync(path.join(dir, f), 'utf8')] as const)
      .filter(([, text]) => /^kind: CustomResourceDefinition$/m.test(text));
    if (files.length === 0) throw new Error(`no CRD manifests in ${dir}`);
    for (const [file, text] of files) crds.set(file, text);
  }
  return crds;
}

/**
 * The folder of a component's module in the Go module cache: `go mod download -json` in its
 * wrapper module gives it for exactly the version the wrapper's go.mod pins, downloading it if needed.
 */
export async function moduleDir(root: string, component: Versions['components'][ComponentName]): Promise<string> {
  const { stdout } = await execa('go', ['mod', 'download', '-json', component.module], {
    cwd: path.join(root, 'e2e-tools', component.wrapper),
    env: component.go ? { GOTOOLCHAIN: component.go } : {},
  });
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(info.Error ?? 'no Dir in the answer');
  return info.Dir;
}
