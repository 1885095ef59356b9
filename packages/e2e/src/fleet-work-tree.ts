import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { GitServer } from './git-server.js';
import { GitWorkTree } from './git-worktree.js';

/** The service cluster the scenarios' workload clusters report to: everything off, so it only has to exist. */
export const E2E_SERVICE_CLUSTER =
  'name: e2e-sc\nprofile: service\nenvironment: e2e\nkubernetesVersion: "1.36"\ndomain: e2e-sc.example.com\ngitops: { repository: https://git.invalid/fleet.git }\n' +
  'certificates: { enabled: false }\nids: { enabled: false }\nlogging: { enabled: false }\nobservability: { enabled: false }\nbackup: { enabled: false }\nposture: { enabled: false }\nregistry: { enabled: false }\nidentity: { enabled: false }\ningress: { enabled: false }\n';

/**
 * A clone of a new `fleet` repository of the cluster's git server, seeded as a developer's clone
 * of this repository would be: its ck8s.config.yaml (schema mirror made absolute), chart catalog
 * and pinned tools (`.tools/bin`, ignored by git), the service cluster `e2e-sc` and the given files.
 * @param root this repository's root
 * @param files more files by path, e.g. `clusters/<name>/cluster.yaml`
 */
export async function fleetWorkTree(git: GitServer, root: string, files: Record<string, string>): Promise<GitWorkTree> {
  const tree = await GitWorkTree.init(await git.createRepository('fleet'));
  const settings = readFileSync(path.join(root, 'ck8s.config.yaml'), 'utf8').replace(
    /schemaMirror: (.*)/,
    (_, p: string) => `schemaMirror: ${path.resolve(root, p)}`,
  );
  tree.write({
    'ck8s.config.yaml': settings,
    'charts/catalog.yaml': readFileSync(path.join(root, 'charts/catalog.yaml'), 'utf8'),
    'clusters/e2e-sc/cluster.yaml': E2E_SERVICE_CLUSTER,
    ...files,
  });
  mkdirSync(path.join(tree.dir, '.tools'), { recursive: true });
  cpSync(path.join(root, '.tools', 'bin'), path.join(tree.dir, '.tools', 'bin'), { recursive: true });
  writeFileSync(path.join(tree.dir, '.gitignore'), '.tools/\n.ck8s/\n');
  return tree;
}
