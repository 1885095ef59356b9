import type { RenderedObject } from './helm-template.js';

/** Kinds that run pods: each is a workload a component must expect. */
export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

/** Cluster-scoped kinds that grant or intercept: each must be expected too. */
export const CLUSTER_SCOPED_KINDS = new Set([
  'ClusterRole',
  'ClusterRoleBinding',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'APIService',
]);

/** A workload's pod template: its labels and spec. */
export interface PodTemplate {
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: RenderedObject;
}

/** The pod template of a workload (a CronJob's Job's), or undefined for other kinds. */
export function podTemplate(o: RenderedObject): PodTemplate | undefined {
  if (!WORKLOAD_KINDS.has(o.kind)) return undefined;
  if (o.kind === 'Pod') return { labels: o.metadata?.labels ?? {}, spec: o.spec ?? {} };
  const template = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
  return { labels: template?.metadata?.labels ?? {}, spec: template?.spec ?? {} };
}

/** Every container of a pod spec, init and ephemeral ones included. */
export function allContainers(spec: RenderedObject): RenderedObject[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].filter((c) => c && typeof c === 'object');
}

/** Whether the object is a Helm hook (tests excluded: Flux runs them only when asked). */
export function helmHook(o: RenderedObject): string | undefined {
  const hook = o.metadata?.annotations?.['helm.sh/hook'];
  return typeof hook === 'string' ? hook : undefined;
}

/** `Kind/name`, how problems and expectations name an object. */
export function objectRef(o: RenderedObject): string {
  return `${o.kind}/${o.metadata?.name ?? '?'}`;
}

/**
 * The registry an image is pulled from, as the container runtime resolves it: a first path
 * component with a dot or a port (or `localhost`) is a registry, anything else is Docker Hub.
 */
export function imageRegistry(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  if (first === 'localhost' || first.includes('.') || first.includes(':'))
    return first === 'index.docker.io' || first === 'registry-1.docker.io' ? 'docker.io' : first;
  return 'docker.io';
}
