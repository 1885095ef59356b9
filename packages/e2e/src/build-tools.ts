import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { type BinaryName, type Component, type ComponentName, binaryPath, readVersions, repositoryRoot, toolsCacheDir } from './versions.js';

export interface BuildToolsOptions {
  /** Repository root. @default the folder above this package that holds e2e-tools/versions.json */
  root?: string;
  /** Build only these binaries. @default every binary of e2e-tools/versions.json that belongs to no suite, plus those of `suite` */
  only?: BinaryName[];
  /** Also build the components of this opt-in suite (versions.json `suite`, e.g. `backup`). @default none: suite components are left out */
  suite?: string;
  /** Rebuild binaries even when the cached build matches the pins. @default false */
  force?: boolean;
  /** Receives progress lines. @default writes them to stderr */
  log?: (line: string) => void;
  /** Extra environment for `go` (e.g. `GOCACHE` pointing at an empty folder to time a cold build). @default none */
  env?: Record<string, string>;
}

export interface BuildResult {
  binary: BinaryName;
  /** Absolute path of the binary in the cache. */
  path: string;
  /** False when the cached binary already matched its pin. */
  built: boolean;
  /** Wall time of the `go build` that produced it (shared by the binaries of one component). */
  seconds: number;
}

/**
 * Builds the pinned binaries of e2e-tools/versions.json into `.tools/e2e/<name>-<version>` with
 * `go build -trimpath` from their wrapper modules. A binary is rebuilt only when its inputs change:
 * the pin and the wrapper's go.mod, go.sum and Go files (hashed into `<name>-<version>.inputs`).
 * Components of an opt-in suite (e.g. Velero, whose cold build takes most of an hour) are built only when asked for.
 * @throws Error naming the component when go is missing, a pin disagrees with its wrapper's go.mod, or a build fails
 */
export async function buildTools(options: BuildToolsOptions = {}): Promise<BuildResult[]> {
  const root = options.root ?? repositoryRoot();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const versions = readVersions(root);
  const cache = toolsCacheDir(root);
  mkdirSync(cache, { recursive: true });
  await checkGo();

  const results: BuildResult[] = [];
  for (const [name, component] of Object.entries(versions.components) as [ComponentName, Component][]) {
    const wrapper = path.join(root, 'e2e-tools', component.wrapper);
    checkPin(name, component, wrapper);
    const flags = buildFlags(name, component);
    const inputs = inputsHash(component, wrapper, flags);
    const wanted = selectedBinaries(component, options);
    const stale = wanted.filter((b) => options.force || !isCurrent(binaryPath(root, versions, b), inputs));
    for (const b of wanted.filter((w) => !stale.includes(w)))
      results.push({ binary: b, path: binaryPath(root, versions, b), built: false, seconds: 0 });
    if (stale.length === 0) continue;

    // one `go build` per component: the binaries of k8s.io/kubernetes share most packages,
    // and a single invocation compiles them once and links in parallel
    const staging = mkdtempSync(path.join(cache, '.build-'));
    const started = Date.now();
    const packages = stale.map((b) => component.binaries[b] as string);
    log(`e2e-tools: building ${stale.join(', ')} (${component.module}@${component.version})`);
    try {
      await execa('go', ['build', ...flags, '-o', `${staging}${path.sep}`, ...packages], {
        cwd: wrapper,
        // a component that needs a newer Go than the installed one names it; go fetches that toolchain from the proxy
        env: { CGO_ENABLED: '0', ...(component.go ? { GOTOOLCHAIN: component.go } : {}), ...options.env },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const seconds = (Date.now() - started) / 1000;
      for (const b of stale) {
        const out = binaryPath(root, versions, b);
        // go names each binary after the last element of its package path
        const produced = path.join(staging, path.basename(component.binaries[b] as string));
        if (!existsSync(produced)) throw new Error(`go build did not produce ${path.basename(produced)}`);
        renameSync(produced, out);
        writeFileSync(`${out}.inputs`, `${inputs}\n`);
        results.push({ binary: b, path: out, built: true, seconds });
      }
      log(`e2e-tools: built ${stale.join(', ')} in ${seconds.toFixed(1)}s`);
    } catch (e) {
      throw new Error(
        `e2e-tools: building ${name} (${component.module}@${component.version}) failed: ${(e as { shortMessage?: string }).shortMessage ?? (e as Error).message}`,
      );
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return results;
}

/** The binaries of a component a build makes: those `only` names, else every binary of a component of no suite or of the suite asked for. */
export function selectedBinaries(component: Component, options: Pick<BuildToolsOptions, 'only' | 'suite'>): BinaryName[] {
  return (Object.keys(component.binaries) as BinaryName[]).filter((b) =>
    options.only ? options.only.includes(b) : component.suite === undefined || component.suite === options.suite,
  );
}

/** Flags of `go build` for a component: reproducible (-trimpath, no VCS stamp), stripped like upstream's release builds. */
export function buildFlags(name: ComponentName, component: Component): string[] {
  const ldflags = ['-s', '-w'];
  if (name === 'kubernetes') {
    // what hack/lib/version.sh stamps, so /version reports the real release instead of v0.0.0-master
    const [major, minor] = component.version.replace(/^v/, '').split('.');
    const vars = { gitVersion: component.version, gitMajor: major, gitMinor: minor, gitTreeState: 'clean', buildDate: '1970-01-01T00:00:00Z' };
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      for (const [key, value] of Object.entries(vars)) ldflags.push(`-X ${pkg}.${key}=${value}`);
    }
  }
  if (name === 'velero') {
    // what hack/build.sh stamps for a release (REGISTRY defaults to velero in its Makefile), so `velero version` and backups report it
    const pkg = 'github.com/vmware-tanzu/velero/pkg/buildinfo';
    for (const [key, value] of Object.entries({ Version: component.version, ImageRegistry: 'velero', GitTreeState: 'clean' }))
      ldflags.push(`-X ${pkg}.${key}=${value}`);
  }
  if (name === 'versitygw') ldflags.push(`-X main.Version=${component.version}`);
  if (name === 'argocd') {
    // what Argo CD's Makefile stamps for a release, so `argocd version` reports it
    const pkg = 'github.com/argoproj/argo-cd/v3/common';
    const vars = { version: component.version.replace(/^v/, ''), gitTag: component.version, gitTreeState: 'clean' };
    for (const [key, value] of Object.entries(vars)) ldflags.push(`-X ${pkg}.${key}=${value}`);
  }
  return ['-trimpath', '-buildvcs=false', '-mod=readonly', `-ldflags=${ldflags.join(' ')}`];
}

/** Fails when versions.json and the wrapper's go.mod pin different releases. */
function checkPin(name: string, component: Pick<Component, 'module' | 'version'>, wrapper: string): void {
  const goMod = path.join(wrapper, 'go.mod');
  if (!existsSync(goMod)) throw new Error(`e2e-tools: ${name}: ${goMod} is missing`);
  const escaped = component.module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const required = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(readFileSync(goMod, 'utf8'))?.[1];
  if (required !== component.version) {
    throw new Error(
      `e2e-tools: ${name}: versions.json pins ${component.module} ${component.version} but ${path.relative(process.cwd(), goMod)} requires ${required ?? 'nothing'}; change both, then run \`go mod tidy\` there`,
    );
  }
}

/** Hash of everything a build depends on besides the Go toolchain. */
function inputsHash(component: object, wrapper: string, flags: string[]): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ component, flags }));
  for (const file of readdirSync(wrapper)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort()) {
    hash.update(`\0${file}\0`);
    hash.update(readFileSync(path.join(wrapper, file)));
  }
  return hash.digest('hex');
}

function isCurrent(binary: string, inputs: string): boolean {
  if (!existsSync(binary) || !existsSync(`${binary}.inputs`)) return false;
  return readFileSync(`${binary}.inputs`, 'utf8').trim() === inputs;
}

async function checkGo(): Promise<void> {
  try {
    await execa('go', ['version']);
  } catch {
    throw new Error('e2e-tools: go is not on PATH; install Go 1.26 or newer (Kubernetes 1.36 needs it)');
  }
}
