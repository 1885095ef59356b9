// Shared by the review and cli tests: a real git repository in a temporary folder with a small
// cluster, merges with approval trailers, a direct push, a squash commit and an SSH-signed commit.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A person as git writes them. */
const PEOPLE = {
  admin: ['Admin', 'admin@example.com'],
  bob: ['Bob Builder', 'bob@example.com'],
  alice: ['Alice Approver', 'alice@example.com'],
  mallory: ['Mallory Pusher', 'mallory@example.com'],
  carol: ['Carol Merger', 'carol@example.com'],
  dave: ['Dave Squasher', 'dave@example.com'],
} as const;
type Who = keyof typeof PEOPLE;

/** Folders the scenarios created, removed by removeTestRepos(). */
const created: string[] = [];

/** Removes every repository (and signing key) this test file created; call it in afterAll. */
export function removeTestRepos(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A repository whose git runs with no user or system configuration; identities and dates are given per commit. */
export class TestRepo {
  readonly dir: string;

  constructor(dir?: string) {
    this.dir = dir ?? mkdtempSync(path.join(tmpdir(), 'ck8s-history-'));
    if (!dir) created.push(this.dir);
    this.git('init', '--quiet', '--initial-branch=main');
  }

  /** Writes files (a null content deletes the file). */
  write(files: Record<string, string | null>): void {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(this.dir, file);
      if (content === null) rmSync(target, { force: true, recursive: true });
      else {
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
    }
  }

  /** Commits everything in the working tree; returns the commit's SHA. */
  commit(message: string, who: Who, date: string, options: { signingKey?: string } = {}): string {
    this.git('add', '--all');
    const sign = options.signingKey ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${options.signingKey}`] : [];
    this.gitAs(who, date, ...sign, 'commit', '--quiet', '--allow-empty', ...(options.signingKey ? ['-S'] : []), '-m', message);
    return this.head();
  }

  /** Merges a branch into the current one with a merge commit; returns its SHA. */
  merge(branch: string, message: string, who: Who, date: string): string {
    this.gitAs(who, date, 'merge', '--quiet', '--no-ff', '-m', message, branch);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: gitEnv(), encoding: 'utf8' });
  }

  private gitAs(who: Who, date: string, ...args: string[]): string {
    const [name, email] = PEOPLE[who];
    const env = {
      ...gitEnv(),
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    };
    return execFileSync('git', args, { cwd: this.dir, env, encoding: 'utf8' });
  }
}

function gitEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
  };
}

/** Ciphertexts and the plaintext they stand for: none of these may ever appear in diff or audit output. */
export const SECRET_STRINGS = {
  oldPassword: 'ENC[AES256_GCM,data:b2xkLXBhc3N3b3JkLWNpcGhlcg==,iv:T0xESVZPTERJVk9MRElWT0xESVY=,tag:b2xkdGFnb2xkdGFn,type:str]',
  newPassword: 'ENC[AES256_GCM,data:bmV3LXBhc3N3b3JkLWNpcGhlcg==,iv:TkVXSVZORVdJVk5FV0lWTkVXSVY=,tag:bmV3dGFnbmV3dGFn,type:str]',
  username: 'ENC[AES256_GCM,data:dXNlcm5hbWUtY2lwaGVy,iv:VVNFUklWVVNFUklWVVNFUklW,tag:dXNlcnRhZ3VzZXJ0YWc=,type:str]',
  host: 'ENC[AES256_GCM,data:aG9zdC1jaXBoZXI=,iv:SE9TVElWSE9TVElWSE9TVElW,tag:aG9zdHRhZ2hvc3R0YWc=,type:str]',
  oldMac: 'ENC[AES256_GCM,data:b2xkLW1hYy1jaXBoZXI=,iv:T0xETUFDT0xETUFDT0xETUFD,tag:b2xkbWFjdGFn,type:str]',
  newMac: 'ENC[AES256_GCM,data:bmV3LW1hYy1jaXBoZXI=,iv:TkVXTUFDTkVXTUFDTkVXTUFD,tag:bmV3bWFjdGFn,type:str]',
  dataKey: 'YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBkYXRha2V5ZGF0YWtleQ',
} as const;

const RECIPIENT = 'age1fuhhvq7xennfj8hpy39jnpfr6r4jtdhewpnw5rn8xfjtes2ht9gsdffwcg';

function sopsSecret(password: string, extra: Record<string, string>, mac: string, lastmodified: string): string {
  const data = Object.entries({ password, username: SECRET_STRINGS.username, ...extra })
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `    ${k}: ${v}\n`)
    .join('');
  return `apiVersion: v1
kind: Secret
metadata:
    name: app-database
    namespace: team-a
data:
${data}type: Opaque
sops:
    age:
        - enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            ${SECRET_STRINGS.dataKey}
            -----END AGE ENCRYPTED FILE-----
          recipient: ${RECIPIENT}
    encrypted_regex: ^(data|stringData)$
    lastmodified: "${lastmodified}"
    mac: ${mac}
    version: 3.9.1
`;
}

function tenant(name: string, cpu: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
    platform.ck8s.io/component: ${name}
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: tenant-quota
  namespace: ${name}
  labels:
    platform.ck8s.io/component: ${name}
spec:
  hard:
    pods: 50
    requests.cpu: "${cpu}"
    requests.memory: 8Gi
`;
}

function ingress(extraLine: string): string {
  return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ingress-nginx
  namespace: ingress-nginx
  labels:
    platform.ck8s.io/component: ingress-nginx
spec:
  interval: 1h
  values:
    controller:
      config:
        server-tokens: "false"
      replicaCount: 2
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: custom-headers
  namespace: ingress-nginx
  labels:
    platform.ck8s.io/component: ingress-nginx
data:
  headers.conf: |
    X-Frame-Options: DENY
    X-Content-Type-Options: nosniff
${extraLine}    Referrer-Policy: same-origin
`;
}

function kustomization(resources: string[]): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
}

/** Commits of the scenario, by role. */
export interface History {
  readonly repo: TestRepo;
  /** Settings only; no cluster yet. */
  readonly initial: string;
  /** Bob adds cluster demo on a branch. */
  readonly addCluster: string;
  /** Alice merges it with `Reviewed-by: Alice`. */
  readonly mergeAdd: string;
  /** Mallory raises the quota directly on main. */
  readonly directPush: string;
  /** Bob rotates the database password, adds a key and tenant team-b on a branch. */
  readonly rotate: string;
  /** Carol merges it as GitHub does (`Merge pull request #7`) with `Approved-by: Carol`. */
  readonly mergeRotate: string;
  /** Dave's squash commit `(#9)` with `Reviewed-by: Alice`: reviewed, not a direct push. */
  readonly squash: string;
  /** Dave's SSH-signed direct commit, when ssh-keygen is available. */
  readonly signed?: string;
}

/**
 * Builds the scenario. `settings` is the content of ck8s.config.yaml, which marks the root.
 * With `sign`, an SSH key is made and trusted in the repository's own config, and the last
 * commit is signed with it.
 */
export function buildHistory(settings = 'validation: {}\n', options: { sign?: boolean } = {}): History {
  const repo = new TestRepo();
  repo.write({ 'ck8s.config.yaml': settings });
  const initial = repo.commit('repository settings', 'admin', '2024-01-01T09:00:00Z');

  repo.git('checkout', '--quiet', '-b', 'add-demo');
  repo.write({
    'clusters/demo/cluster.yaml': 'name: demo\nprofile: workload\n',
    'clusters/demo/controllers/ingress-nginx.yaml': ingress(''),
    'clusters/demo/controllers/kustomization.yaml': kustomization(['ingress-nginx.yaml']),
    'clusters/demo/tenants/team-a.yaml': tenant('team-a', '4'),
    'clusters/demo/tenants/secrets/team-a.app-database.sops.yaml': sopsSecret(
      SECRET_STRINGS.oldPassword,
      {},
      SECRET_STRINGS.oldMac,
      '2024-01-02T10:00:00Z',
    ),
    'clusters/demo/tenants/kustomization.yaml': kustomization(['secrets/team-a.app-database.sops.yaml', 'team-a.yaml']),
  });
  const addCluster = repo.commit('add cluster demo', 'bob', '2024-01-02T10:00:00Z');
  repo.git('checkout', '--quiet', 'main');
  const mergeAdd = repo.merge(
    'add-demo',
    "Merge branch 'add-demo'\n\nReviewed-by: Alice Approver <alice@example.com>",
    'alice',
    '2024-01-03T11:00:00Z',
  );

  repo.write({ 'clusters/demo/tenants/team-a.yaml': tenant('team-a', '16') });
  const directPush = repo.commit('raise team-a cpu quota', 'mallory', '2024-02-01T08:00:00Z');

  repo.git('checkout', '--quiet', '-b', 'rotate');
  repo.write({
    'clusters/demo/tenants/secrets/team-a.app-database.sops.yaml': sopsSecret(
      SECRET_STRINGS.newPassword,
      { host: SECRET_STRINGS.host },
      SECRET_STRINGS.newMac,
      '2024-02-10T12:00:00Z',
    ),
    'clusters/demo/tenants/team-b.yaml': tenant('team-b', '2'),
    'clusters/demo/tenants/kustomization.yaml': kustomization(['secrets/team-a.app-database.sops.yaml', 'team-a.yaml', 'team-b.yaml']),
  });
  const rotate = repo.commit('rotate the database password; add tenant team-b', 'bob', '2024-02-10T12:00:00Z');
  repo.git('checkout', '--quiet', 'main');
  const mergeRotate = repo.merge(
    'rotate',
    'Merge pull request #7 from example/rotate\n\nApproved-by: Carol Merger <carol@example.com>',
    'carol',
    '2024-02-12T15:00:00Z',
  );

  repo.write({ 'clusters/demo/controllers/ingress-nginx.yaml': ingress('    Strict-Transport-Security: max-age=31536000\n') });
  const squash = repo.commit('add HSTS header (#9)\n\nReviewed-by: Alice Approver <alice@example.com>', 'dave', '2024-03-01T09:30:00Z');

  let signed: string | undefined;
  if (options.sign) {
    const keyDir = mkdtempSync(path.join(tmpdir(), 'ck8s-signing-'));
    created.push(keyDir);
    const key = path.join(keyDir, 'key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dave', '-f', key]);
    const publicKey = execFileSync('ssh-keygen', ['-y', '-f', key], { encoding: 'utf8' }).trim();
    writeFileSync(`${key}.allowed`, `dave@example.com namespaces="git" ${publicKey}\n`);
    repo.git('config', 'gpg.ssh.allowedSignersFile', `${key}.allowed`);
    repo.write({ 'clusters/demo/controllers/ingress-nginx.yaml': ingress('    Strict-Transport-Security: max-age=63072000\n') });
    signed = repo.commit('longer HSTS max-age', 'dave', '2024-03-05T09:30:00Z', { signingKey: key });
  }
  return { repo, initial, addCluster, mergeAdd, directPush, rotate, mergeRotate, squash, ...(signed ? { signed } : {}) };
}
