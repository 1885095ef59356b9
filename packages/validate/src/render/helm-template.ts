import { runTool } from './run-tool.js';
import { parseAllDocuments, stringify } from 'yaml';

export interface HelmTemplateProps {
  readonly helm: string;
  /** Path of the chart archive. */
  readonly chart: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** The release's values, merged as helm-controller merges them. Given to helm on stdin, never written to disk. */
  readonly values: Record<string, unknown>;
  /** e.g. `1.33.0`. */
  readonly kubernetesVersion: string;
  /** `group/version` and `group/version/Kind` the cluster serves beyond the built-in APIs (its CRDs). */
  readonly apiVersions: readonly string[];
  /** Leave out the check of the values against the chart's values.schema.json, as the release does (`disableSchemaValidation`). @default false */
  readonly skipSchemaValidation?: boolean;
}

/** A rendered object, a plain YAML document. */
export type RenderedObject = Record<string, any>;

/**
 * Renders a chart with the real `helm template`, hooks included and test hooks left out (Flux
 * runs them only when asked), CRDs included, for the cluster's Kubernetes version and APIs.
 * @throws Error with helm's message when the chart does not render
 */
export async function helmTemplate(props: HelmTemplateProps): Promise<RenderedObject[]> {
  const args = [
    'template',
    props.releaseName,
    props.chart,
    '--namespace',
    props.namespace,
    '--kube-version',
    `v${props.kubernetesVersion}`,
    '--include-crds',
    '--skip-tests',
    '--values',
    '-',
  ];
  for (const api of [...new Set(props.apiVersions)].sort()) args.push('--api-versions', api);
  if (props.skipSchemaValidation) args.push('--skip-schema-validation');
  const result = await runTool(props.helm, args, { input: stringify(props.values), timeout: 300_000 });
  if (result.exitCode !== 0) throw new Error(result.stderr.trim() || `helm template exited with ${result.exitCode}`);
  const objects: RenderedObject[] = [];
  for (const doc of parseAllDocuments(result.stdout)) {
    if (doc.errors.length > 0) throw new Error(`helm template printed invalid YAML: ${doc.errors[0]!.message}`);
    const value = doc.toJSON() as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) objects.push(value);
  }
  return objects;
}

/** The `group/version` and `group/version/Kind` of every version a CustomResourceDefinition serves. */
export function crdApiVersions(objects: readonly RenderedObject[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const group = o.spec?.group;
    const kind = o.spec?.names?.kind;
    for (const v of o.spec?.versions ?? []) {
      if (v?.served === false || typeof v?.name !== 'string') continue;
      out.push(`${group}/${v.name}`, `${group}/${v.name}/${kind}`);
    }
  }
  return out;
}

/** The CRDs in a chart's `crds/` folders (sub-charts included), with `helm show crds`. */
export async function chartCrds(helm: string, chart: string): Promise<RenderedObject[]> {
  const result = await runTool(helm, ['show', 'crds', chart], { timeout: 120_000 });
  if (result.exitCode !== 0) throw new Error(`helm show crds ${chart}: ${result.stderr.trim()}`);
  return parseAllDocuments(result.stdout)
    .map((d) => d.toJSON() as unknown)
    .filter((v): v is RenderedObject => !!v && typeof v === 'object' && !Array.isArray(v));
}

/** Sets a value at a Helm `--set`-style dotted path, as helm-controller applies a valuesFrom `targetPath`. */
export function setValuePath(values: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let at: Record<string, unknown> = values;
  for (const k of keys.slice(0, -1)) {
    if (!at[k] || typeof at[k] !== 'object') at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  at[keys[keys.length - 1]!] = value;
}

/** The chart's default values (its values.yaml), with `helm show values`. */
export async function chartDefaultValues(helm: string, chart: string): Promise<Record<string, unknown>> {
  const result = await runTool(helm, ['show', 'values', chart], { timeout: 120_000 });
  if (result.exitCode !== 0) throw new Error(`helm show values ${chart}: ${result.stderr.trim()}`);
  const values = parseAllDocuments(result.stdout)[0]?.toJSON() as unknown;
  return values && typeof values === 'object' && !Array.isArray(values) ? (values as Record<string, unknown>) : {};
}

/** The text of a chart archive's templates (`<chart>/templates/`, sub-charts' included), for what they read from `.Values`. */
export async function chartTemplates(chart: string): Promise<string> {
  const result = await runTool('tar', ['-xzOf', chart, '--wildcards', '*/templates/*'], { timeout: 120_000 });
  if (result.exitCode !== 0) throw new Error(`reading the templates of ${chart}: ${result.stderr.trim()}`);
  return result.stdout;
}
