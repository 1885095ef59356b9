/**
 * The file name kubeconform looks up for a kind in a `{{ .ResourceKind }}{{ .KindSuffix }}.json`
 * location, e.g. `deployment-apps-v1.json` or `service-v1.json`. Mirrors `schemaPath` in
 * kubeconform's pkg/registry/registry.go, including that only the first dot-segment of the group
 * is used (so the name must be computed exactly the same way or the schema is never found).
 */
export function schemaFileName(kind: string, apiVersion: string): string {
  const groupParts = apiVersion.split('/');
  let kindSuffix = `-${groupParts[0]!.split('.')[0]!.toLowerCase()}`;
  if (groupParts.length > 1) kindSuffix += `-${groupParts[1]!.toLowerCase()}`;
  return `${kind.toLowerCase()}${kindSuffix}.json`;
}
