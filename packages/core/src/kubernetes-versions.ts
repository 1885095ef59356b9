/**
 * The Kubernetes minors the platform supports, oldest first: the releases the schema mirror
 * (`../shared/schemas`) has definitions for and the Pod Security rules are written for. A cluster
 * on any other minor is refused, so neither validation nor admission silently use another version.
 */
export const SUPPORTED_KUBERNETES_MINORS: readonly string[] = ['1.32', '1.33', '1.34', '1.35', '1.36'];

/** The minor `ck8s init` proposes and the end-to-end control plane runs: the newest supported. */
export const DEFAULT_KUBERNETES_VERSION = '1.36';

/** The `1.MINOR` of a Kubernetes version (`1.36.3` → `1.36`), or undefined when it is not `1.MINOR[.PATCH]`. */
export function kubernetesMinor(version: string): string | undefined {
  return /^(1\.(?:0|[1-9][0-9]?))(?:\.(?:0|[1-9][0-9]{0,2}))?$/.exec(version)?.[1];
}

/** Whether the platform supports the minor of `version`. */
export function isSupportedKubernetesVersion(version: string): boolean {
  const minor = kubernetesMinor(version);
  return minor !== undefined && SUPPORTED_KUBERNETES_MINORS.includes(minor);
}
