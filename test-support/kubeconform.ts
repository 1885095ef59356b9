// Shared by the packages' tests that run the real kubeconform on their output (identity, registry, posture).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findTool, toYamlStream } from '@ck8s/core';
import { importKubernetesSchemas } from '@ck8s/validate';

/** The repository root, found from this file so the suite runs from any checkout. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The offline schema mirror (ck8s.config.yaml's validation.schemaMirror), or the one CI points at. */
const mirror = process.env.CK8S_SCHEMA_MIRROR ?? path.resolve(repoRoot, '..', 'shared', 'schemas');
const KUBERNETES_VERSION = '1.33.0';

export interface KubeconformResult {
  readonly resources: readonly {
    readonly filename: string;
    readonly kind: string;
    readonly name: string;
    readonly version: string;
    readonly status: string;
    readonly msg: string;
  }[];
  readonly summary: { readonly valid: number; readonly invalid: number; readonly errors: number; readonly skipped: number };
}

/** The real kubeconform in strict mode, with core schemas imported from the mirror and the mirror's CRD schemas. */
export class Kubeconform {
  private readonly work = mkdtempSync(path.join(os.tmpdir(), 'ck8s-kubeconform-'));
  private readonly coreSchemas: string;

  constructor() {
    const imported = importKubernetesSchemas({
      definitionsFile: path.join(mirror, 'kubernetes', `v${KUBERNETES_VERSION}`, '_definitions.json'),
      outDir: path.join(this.work, 'schemas'),
      kubernetesVersion: KUBERNETES_VERSION,
      variants: ['standalone-strict'],
    });
    this.coreSchemas = path.join(imported.directories[0]!, '{{ .ResourceKind }}{{ .KindSuffix }}.json');
  }

  /** Validates the objects written as the generator writes them, one file per name. */
  async run(files: Record<string, readonly unknown[]>): Promise<KubeconformResult> {
    const dir = mkdtempSync(path.join(this.work, 'out-'));
    const paths = Object.entries(files).map(([name, objects]) => {
      const file = path.join(dir, `${name}.yaml`);
      writeFileSync(file, toYamlStream(objects));
      return file;
    });
    const args = [
      '-strict',
      '-summary',
      '-verbose',
      '-output',
      'json',
      '-kubernetes-version',
      KUBERNETES_VERSION,
      '-schema-location',
      this.coreSchemas,
      '-schema-location',
      `${mirror}/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
      ...paths,
    ];
    try {
      const { stdout } = await promisify(execFile)(findTool('kubeconform', repoRoot), args);
      return JSON.parse(stdout) as KubeconformResult;
    } catch (e) {
      // kubeconform exits 1 when a resource is invalid; its report is still on stdout
      const stdout = (e as { stdout?: string }).stdout;
      if (stdout) return JSON.parse(stdout) as KubeconformResult;
      throw e;
    }
  }

  dispose(): void {
    rmSync(this.work, { recursive: true, force: true });
  }
}

export function problems(result: KubeconformResult): string[] {
  return result.resources.filter((r) => r.status !== 'statusValid').map((r) => `${r.kind}/${r.name}: ${r.status} ${r.msg}`);
}
