import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ReceiverType } from '@ck8s/observability';
import { type Command, Option } from 'commander';
import { INIT_QUESTIONS, type InitAnswers } from '../init/init-questions.js';
import type { OutsideCredentials } from '../init/platform-credentials.js';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';

export function registerInit(program: Command, io: CliIo): void {
  const command = program
    .command('init')
    .description(
      'onboard a cluster: write clusters/<name>/cluster.yaml from the onboarding form, create its age key pair, generate the ' +
        "platform's own passwords straight into sops Secrets, and run synth and validate. Missing answers are asked for in a " +
        'terminal; elsewhere every required flag must be given. Outside credentials come from environment variables ' +
        `(${INIT_QUESTIONS.filter((q) => q.env).map((q) => q.env).join(', ')}) or hidden prompts, never from flags.`,
    )
    .argument('<name>', 'cluster name (the folder under clusters/)');
  for (const q of INIT_QUESTIONS) {
    if (!q.flag) continue;
    const option = new Option(q.flag, q.message);
    command.addOption(q.choices ? option.choices([...q.choices]) : option);
  }
  command.action(async (name: string, flags: Record<string, string | undefined>) => {
    const { ConfigError, componentsOf, isDnsLabel, validateClusterConfig } = await import('@ck8s/core');
    const { RECEIVER_SECRET_KEYS } = await import('@ck8s/observability');
    const { initClusterKey, readSecret, setSecret } = await import('@ck8s/secrets');
    const { App } = await import('cdk8s');
    const { loadContext } = await import('../context.js');
    const { addServiceAccounts, SERVICE_ACCOUNT_SECRETS } = await import('../init/add-service-accounts.js');
    const { clusterConfigFromAnswers, renderClusterDocument } = await import('../init/cluster-document.js');
    const { platformCredentials } = await import('../init/platform-credentials.js');
    const { RepositorySnapshot } = await import('../init/repository-snapshot.js');
    const { resolveAnswers } = await import('../init/resolve-answers.js');
    const { composeCluster } = await import('../synth/compose-cluster.js');
    const { synthesizeFleet } = await import('../synth/synthesize-fleet.js');
    const { runValidation } = await import('../validate/run-validation.js');
    if (!isDnsLabel(name)) throw new UsageError(`cluster name "${name}" is not a DNS label (lowercase letters, digits and '-', at most 63 characters)`);
    const context = loadContext(io.cwd, program.opts().root);
    const { workspace, fleet } = context;
    const clusterDir = workspace.clusterDir(name);
    if (existsSync(clusterDir)) throw new UsageError(`cluster "${name}" exists already (${workspace.relative(clusterDir)}); choose another name`);

    const answers = await resolveAnswers({ flags, context: { name, fleet, env: process.env }, ...(io.prompt ? { prompt: io.prompt } : {}) });
    const config = clusterConfigFromAnswers(name, answers);
    const clusterFile = workspace.relative(workspace.clusterConfigFile(name));
    // the whole config is checked before anything is written; field paths name cluster.yaml, hints name the flag
    const checked = validateClusterConfig(config, clusterFile, name);
    if (checked.problems.length > 0) throw new ConfigError(checked.problems.map((p) => ({ ...p, message: `${p.message}${flagHint(p.path)}` })));
    const outside = outsideCredentials(answers, io.cwd, RECEIVER_SECRET_KEYS);
    const serviceKey = answers.profile === 'workload' ? readServiceKey(answers, io.cwd) : undefined;
    // a wrong service cluster key fails here, before anything is written
    if (serviceKey !== undefined) await readSecret({ workspace, cluster: answers.serviceCluster!, secret: SERVICE_ACCOUNT_SECRETS.internalUsers.secret, ageKey: serviceKey });
    const keyFile = path.resolve(io.cwd, answers.keyFile!);

    const snapshot = new RepositorySnapshot([workspace.clustersDir, workspace.secretsDir, workspace.sopsConfigFile]);
    let keyWritten = false;
    try {
      mkdirSync(clusterDir, { recursive: true });
      writeFileSync(workspace.clusterConfigFile(name), renderClusterDocument(config));
      const key = await initClusterKey({ workspace, cluster: name, keyFile });
      keyWritten = true;
      io.stderr(`init: ${name}: age key created, private key in ${key.keyFile} (keep it outside the repository; load it into the cluster with \`${key.loadCommand}\`)\n`);

      // the fleet with the new cluster; Secrets and synth output do not change it, so it serves to the end
      const loaded = loadContext(io.cwd, program.opts().root);
      // the components decide which Secrets exist: compose the new cluster and fill what they declare
      const cluster = loaded.fleet.clusters.get(name)!;
      const app = new App();
      composeCluster(app, { cluster, fleet: loaded.fleet, catalog: loaded.catalog });
      const credentials = await platformCredentials(cluster, componentsOf(app).flatMap((c) => c.requiredSecrets), outside);
      for (const [secret, entries] of credentials.secrets) await setSecret({ workspace, cluster: name, secret, entries, replace: true });
      io.stderr(`init: ${name}: ${credentials.secrets.size} Secret(s) encrypted into secrets/${name}/ (no plaintext written)\n`);
      if (serviceKey !== undefined) {
        const files = await addServiceAccounts({ workspace, serviceCluster: cluster.serviceCluster!, ageKey: serviceKey, accounts: credentials.accounts });
        io.stderr(`init: ${cluster.serviceCluster}: accounts of ${name} added to ${files.join(', ')}\n`);
      }

      const all = [...loaded.fleet.clusters.keys()];
      const synth = synthesizeFleet(loaded, all);
      io.stdout(`synth: ${synth.clusters} cluster(s), ${synth.files} files, changed: ${synth.changed.join(', ') || 'none'}\n`);
      const report = await runValidation(loaded, all);
      for (const p of report.problems) io.stdout(`${p.check}: ${p.file}: ${p.object ? `${p.object}: ` : ''}${p.message}\n`);
      const passed = report.controls.filter((c) => c.status === 'pass').length;
      io.stdout(`validate: ${report.clusters.length} cluster(s), ${report.objects} objects checked, ${passed}/${report.controls.length} controls passed, ${report.problems.length} problem(s)\n`);
      if (report.problems.length > 0) {
        io.stderr('init: validation failed; every change was undone\n');
        throw new ReportedFailure(1);
      }
    } catch (e) {
      snapshot.restore();
      if (keyWritten) rmSync(keyFile, { force: true });
      throw e;
    }
    io.stdout(`init: ${name} is ready; review and commit clusters/, secrets/ and .sops.yaml\n`);
  });
}

/** Which flag sets a cluster.yaml field, for error messages about answers. */
const FLAG_OF_FIELD: readonly [RegExp, string][] = [
  [/^domain$/, '--dns-label and --base-domain'],
  [/^environment$/, '--environment'],
  [/^customer$/, '--customer'],
  [/^kubernetesVersion$/, '--kubernetes-version'],
  [/^gitops\.repository$/, '--git-repository'],
  [/^gitops\.branch$/, '--git-branch'],
  [/^certificates\.acmeEmail$/, '--acme-email'],
  [/^rbac\.operatorGroups/, '--operator-groups'],
  [/^network\.apiServer/, '--api-server-cidrs'],
  [/^network\.serviceClusterCidrs/, '--service-cluster-cidrs'],
  [/^network\.objectStorageCidrs/, '--object-storage-cidrs'],
  [/^(backup|registry)\.(objectStorage|storage)\.endpoint$/, '--s3-endpoint'],
  [/^backup\.objectStorage\.bucket$/, '--backup-bucket'],
  [/^registry\.storage\.bucket$/, '--registry-bucket'],
  [/^identity\.connectors\[0\]\.issuer$/, '--idp-issuer'],
  [/^identity\.connectors\[0\]\.ssoUrl$/, '--idp-sso-url'],
  [/^identity\.connectors\[0\]\.host$/, '--idp-host'],
  [/^identity\.connectors\[0\]\.id$/, '--idp-id'],
  [/^observability\.receivers\[0\]\.name$/, '--receiver-name'],
  [/^observability\.receivers\[0\]\.to$/, '--email-to'],
  [/^observability\.receivers\[0\]\.from$/, '--email-from'],
  [/^observability\.receivers\[0\]\.smarthost$/, '--smarthost'],
];

function flagHint(fieldPath: string): string {
  const found = FLAG_OF_FIELD.find(([re]) => re.test(fieldPath));
  return found ? ` (set by ${found[1]})` : '';
}

/** The outside credentials the answers hold, in the shape of the Secrets that take them. */
function outsideCredentials(a: InitAnswers, cwd: string, receiverKeys: Readonly<Record<ReceiverType, string>>): OutsideCredentials {
  let connector: Record<string, string> | undefined;
  if (a.idpType === 'oidc') connector = { 'client-id': a.idpClientId!, 'client-secret': a.idpClientSecret! };
  if (a.idpType === 'ldap') connector = { 'bind-dn': a.idpBindDn!, 'bind-password': a.idpBindPassword! };
  if (a.idpType === 'saml') {
    const file = path.resolve(cwd, a.idpCaFile!);
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`--idp-ca-file ${a.idpCaFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--idp-ca-file ${a.idpCaFile} holds no PEM certificate`);
    connector = { 'ca.crt': pem };
  }
  return {
    s3AccessKeyId: a.s3AccessKeyId!,
    s3SecretAccessKey: a.s3SecretAccessKey!,
    ...(connector ? { connector } : {}),
    ...(a.receiverType ? { receiver: { key: receiverKeys[a.receiverType as ReceiverType], value: a.receiverSecret! } } : {}),
  };
}

/** The service cluster's private key, needed to add the new cluster's accounts to its Secrets. */
function readServiceKey(a: InitAnswers, cwd: string): string {
  const file = path.resolve(cwd, a.serviceClusterKeyFile!);
  let key: string;
  try {
    key = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--service-cluster-key-file ${a.serviceClusterKeyFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!key.includes('AGE-SECRET-KEY-1')) throw new UsageError(`--service-cluster-key-file ${a.serviceClusterKeyFile} holds no age private key (AGE-SECRET-KEY-1...)`);
  return key;
}
