import { BASIC_AUTH_SECRET, type ConfigProblem, ConfigError, componentsOf, type ExtraFile, isDnsLabel, parseYamlFile } from '@ck8s/core';
import { BASIC_AUTH_SECRET_ANNOTATION } from '@ck8s/ingress';
import { ApiObject, type App } from 'cdk8s';

/** What a committed Secret shows in plaintext: its type (the API server's default when absent) and key names. */
interface PlacedSecret {
  readonly file: string;
  readonly type: string;
  readonly keys: ReadonlySet<string>;
}

/** The committed Secret `namespace/name` of the cluster among the placed files, or where it should be. */
function placedSecret(placed: readonly ExtraFile[], cluster: string, namespace: string, name: string): PlacedSecret | { readonly file: string } {
  const fileName = `${namespace}.${name}.sops.yaml`;
  const file = `secrets/${cluster}/${fileName}`;
  const found = placed.find((f) => f.path === `secrets/${fileName}`);
  if (!found) return { file };
  const doc =
    (parseYamlFile(found.content, file).data as { type?: unknown; data?: Record<string, unknown>; stringData?: Record<string, unknown> } | null) ??
    {};
  return {
    file,
    type: typeof doc.type === 'string' ? doc.type : 'Opaque',
    keys: new Set([...Object.keys(doc.data ?? {}), ...Object.keys(doc.stringData ?? {})]),
  };
}

/** The `ck8s secrets set` command that (re)creates a Secret of `type` with `keys`. */
function setCommand(cluster: string, namespace: string, name: string, keys: readonly string[], type: string): string {
  const keysArgs = keys.length > 0 ? keys.map((k) => ` --from-file ${k}=<file>`).join('') : ' --from-file KEY=<file>';
  return `ck8s secrets set ${cluster} ${namespace}/${name}${type === 'Opaque' ? '' : ` --replace --type ${type}`}${keysArgs}`;
}

/**
 * A component's required Secret that is not committed, lacks a key or has another type than the
 * component reads, naming the command that creates it: better than a HelmRelease that never
 * becomes ready, or an endpoint that refuses every client.
 */
export function requiredSecretProblems(app: App, cluster: string, placed: readonly ExtraFile[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const component of componentsOf(app)) {
    for (const secret of component.requiredSecrets.filter((s) => !s.optional)) {
      const type = secret.type ?? 'Opaque';
      const command = setCommand(cluster, secret.namespace, secret.name, secret.keys, type);
      const found = placedSecret(placed, cluster, secret.namespace, secret.name);
      if (!('type' in found)) {
        problems.push({
          file: found.file,
          path: '(file)',
          message: `is missing: ${component.componentName} needs it (${secret.purpose}); create it with \`${command}\``,
        });
        continue;
      }
      if (found.type !== type) {
        problems.push({
          file: found.file,
          path: 'type',
          message: `is ${JSON.stringify(found.type)}, but ${component.componentName} reads only a Secret of type ${type} (${secret.purpose}); allowed: ${type}; re-create it with \`${command}\``,
        });
      }
      for (const key of secret.keys) {
        if (!found.keys.has(key))
          problems.push({ file: found.file, path: `data.${key}`, message: `is missing: ${component.componentName} reads it (${secret.purpose})` });
      }
    }
  }
  return problems;
}

/**
 * Every Ingress of the cluster that names a basic-auth Secret (BASIC_AUTH_SECRET_ANNOTATION) which
 * is not committed in its namespace with the type and key the ingress controller reads
 * (BASIC_AUTH_SECRET): the controller would refuse every client of the endpoint. Read from the
 * Ingresses themselves, so it holds whatever the components declare.
 */
export function basicAuthSecretProblems(app: App, cluster: string, placed: readonly ExtraFile[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { type, key } = BASIC_AUTH_SECRET;
  for (const object of app.node.findAll()) {
    if (!ApiObject.isApiObject(object) || object.kind !== 'Ingress') continue;
    const name: unknown = object.metadata.toJson()?.annotations?.[BASIC_AUTH_SECRET_ANNOTATION];
    if (name === undefined) continue;
    const namespace = object.metadata.namespace ?? 'default';
    const ingress = `Ingress ${namespace}/${object.name}`;
    if (typeof name !== 'string' || !isDnsLabel(name)) {
      problems.push({
        file: `secrets/${cluster}/`,
        path: '(file)',
        message: `${ingress} names ${JSON.stringify(name)} in ${BASIC_AUTH_SECRET_ANNOTATION}, which is not a Secret name of its namespace (a DNS-1123 label)`,
      });
      continue;
    }
    const command = setCommand(cluster, namespace, name, [key], type);
    const found = placedSecret(placed, cluster, namespace, name);
    if (!('type' in found)) {
      problems.push({
        file: found.file,
        path: '(file)',
        message: `is missing: ${ingress} names it in ${BASIC_AUTH_SECRET_ANNOTATION}, and the ingress controller refuses every client without it; create it with \`${command}\``,
      });
      continue;
    }
    if (found.type !== type) {
      problems.push({
        file: found.file,
        path: 'type',
        message: `is ${JSON.stringify(found.type)}, but ${ingress} names it in ${BASIC_AUTH_SECRET_ANNOTATION} and the ingress controller reads only type ${type}; allowed: ${type}; re-create it with \`${command}\``,
      });
    }
    if (!found.keys.has(key)) {
      problems.push({
        file: found.file,
        path: `data.${key}`,
        message: `is missing: ${ingress} names the Secret in ${BASIC_AUTH_SECRET_ANNOTATION}, and the ingress controller reads the htpasswd text from this key`,
      });
    }
  }
  return problems;
}

/**
 * Fails with every problem of the committed Secrets the cluster reads: the components' required
 * Secrets first (they name the component), then the Ingresses' basic-auth Secrets; one problem per
 * file and field.
 * @throws ConfigError naming each file, field and what is allowed
 */
export function checkSecretRequirements(app: App, cluster: string, placed: readonly ExtraFile[]): void {
  const problems = new Map<string, ConfigProblem>();
  for (const p of [...requiredSecretProblems(app, cluster, placed), ...basicAuthSecretProblems(app, cluster, placed)]) {
    if (!problems.has(`${p.file}\0${p.path}`)) problems.set(`${p.file}\0${p.path}`, p);
  }
  if (problems.size > 0) throw new ConfigError([...problems.values()]);
}
