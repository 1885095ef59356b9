/** A Kubernetes release as kubeconform names it: `major.minor.patch`. */
export interface KubernetesVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** `major.minor.patch`, the value of kubeconform's `-kubernetes-version`. */
  readonly full: string;
}

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;

/**
 * Parses `1.33`, `1.33.2` or `v1.33.2`; a missing patch is 0.
 * @throws Error naming the bad value
 */
export function parseKubernetesVersion(version: string): KubernetesVersion {
  const match = VERSION.exec(version.trim());
  if (!match) throw new Error(`invalid kubernetes version "${version}": expected <major>.<minor> or <major>.<minor>.<patch>, e.g. 1.33 or 1.33.2`);
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const patch = Number(match[3] ?? '0');
  return { major, minor, patch, full: `${major}.${minor}.${patch}` };
}
