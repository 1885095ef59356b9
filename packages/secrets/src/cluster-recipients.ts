import { readFileSync } from 'node:fs';
import { AGE_RECIPIENT, clusterConfigCredentialProblems, type ConfigProblem, ConfigError, parseYamlFile, showValue, valueAt, type RepositoryLayout } from '@ck8s/core/base';

/**
 * Checks that `cluster` is a cluster of the workspace.
 * @throws Error naming the cluster and listing the existing ones
 */
export function assertCluster(workspace: RepositoryLayout, cluster: string): void {
  const names = workspace.clusterNames();
  if (!names.includes(cluster)) {
    throw new Error(`unknown cluster ${JSON.stringify(cluster)}: no ${workspace.relative(workspace.clusterConfigFile(cluster))}; clusters: ${names.join(', ') || 'none'}`);
  }
}

/**
 * Reads `sops.ageRecipients` of one cluster.yaml as written, without validating the rest of the file,
 * so a key can be added to a cluster whose config is still incomplete.
 * @throws ConfigError when the file cannot be read, holds a URL with credentials or a recipient is not an age recipient
 */
export function readAgeRecipients(workspace: RepositoryLayout, cluster: string): string[] {
  assertCluster(workspace, cluster);
  const { recipients, problems } = recipientsOfFile(workspace, cluster);
  if (problems.length > 0) throw new ConfigError(problems);
  return recipients;
}

/**
 * The raw `sops.ageRecipients` of every cluster (sorted by name), e.g. to render .sops.yaml.
 * @throws ConfigError listing the problems of every file
 */
export function readAllAgeRecipients(workspace: RepositoryLayout): Map<string, string[]> {
  const all = new Map<string, string[]>();
  const problems: ConfigProblem[] = [];
  for (const cluster of workspace.clusterNames()) {
    const result = recipientsOfFile(workspace, cluster);
    all.set(cluster, result.recipients);
    problems.push(...result.problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return all;
}

function recipientsOfFile(workspace: RepositoryLayout, cluster: string): { recipients: string[]; problems: ConfigProblem[] } {
  const absolute = workspace.clusterConfigFile(cluster);
  const file = workspace.relative(absolute);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    return { recipients: [], problems: [{ file, path: '(file)', message: `cannot be read: ${(e as Error).message}` }] };
  }
  const parsed = parseYamlFile(text, file);
  if (parsed.problems.length > 0) return { recipients: [], problems: parsed.problems };
  // a credential in a URL is a plaintext secret in the repository: refused wherever cluster.yaml is read
  const credentials = clusterConfigCredentialProblems(parsed.data, file);
  if (credentials.length > 0) return { recipients: [], problems: credentials };
  const sops = valueAt(parsed.data, ['sops']);
  if (sops === undefined || sops === null) return { recipients: [], problems: [] };
  if (typeof sops !== 'object' || Array.isArray(sops)) {
    return { recipients: [], problems: [{ file, path: 'sops', message: `${showValue(sops)} is not a mapping; expected sops: { ageRecipients: [age1...] }` }] };
  }
  const list = valueAt(sops, ['ageRecipients']);
  if (list === undefined || list === null) return { recipients: [], problems: [] };
  if (!Array.isArray(list)) {
    return { recipients: [], problems: [{ file, path: 'sops.ageRecipients', message: `${showValue(list)} is not a list; expected a list of age1... recipients` }] };
  }
  const problems: ConfigProblem[] = [];
  const recipients: string[] = [];
  list.forEach((recipient: unknown, i) => {
    if (typeof recipient === 'string' && AGE_RECIPIENT.test(recipient)) recipients.push(recipient);
    else problems.push({ file, path: `sops.ageRecipients[${i}]`, message: `${showValue(recipient)} is not an age X25519 recipient (age1 followed by 58 bech32 characters)` });
  });
  return { recipients, problems };
}
