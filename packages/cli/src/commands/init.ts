import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ReceiverType } from '@ck8s/observability';
import type { OutsideCredentials } from '@ck8s/platform';
import { type Command, Option } from 'commander';
import { INIT_QUESTIONS, type InitAnswers } from '../init/init-questions.js';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';
import { printProblems, validationSummary } from '../validation-output.js';
import { waitNotice } from './synth.js';

export function registerInit(program: Command, io: CliIo): void {
  const command = program
    .command('init')
    .description(
      'onboard a cluster: write clusters/<name>/cluster.yaml from the onboarding form, create its age key pair, generate the ' +
        "platform's own passwords straight into sops Secrets, and run synth and validate. Missing answers are asked for in a " +
        'terminal; elsewhere every required flag must be given. Outside credentials come from environment variables ' +
        `(${INIT_QUESTIONS.filter((q) => q.env)
          .map((q) => q.env)
          .join(', ')}) or hidden prompts, never from flags.`,
    )
    .argument('<name>', 'cluster name (the folder under clusters/)');
  for (const q of INIT_QUESTIONS) {
    if (!q.flag) continue;
    const option = new Option(q.flag, q.message);
    command.addOption(q.choices ? option.choices([...q.choices]) : option);
  }
  command.action(async (name: string, flags: Record<string, string | undefined>) => {
    const { DEFAULT_KUBERNETES_VERSION, isDnsLabel } = await import('@ck8s/core');
    const { RECEIVER_SECRET_KEYS } = await import('@ck8s/observability');
    const { initCluster, loadFleetContext } = await import('@ck8s/platform');
    const { clusterConfigFromAnswers, renderClusterDocument } = await import('../init/cluster-document.js');
    const { resolveAnswers } = await import('../init/resolve-answers.js');
    if (!isDnsLabel(name))
      throw new UsageError(`cluster name "${name}" is not a DNS label (lowercase letters, digits and '-', at most 63 characters)`);
    const context = loadFleetContext(io.cwd, program.opts().root);
    const { workspace, fleet } = context;
    const clusterDir = workspace.clusterDir(name);
    if (existsSync(clusterDir)) throw new UsageError(`cluster "${name}" exists already (${workspace.relative(clusterDir)}); choose another name`);

    const answers = await resolveAnswers({
      flags,
      context: { name, fleet, env: process.env, defaultKubernetesVersion: DEFAULT_KUBERNETES_VERSION },
      ...(io.prompt ? { prompt: io.prompt } : {}),
    });
    const config = clusterConfigFromAnswers(name, answers);
    const { synth, validation } = await initCluster({
      context,
      config: { ...config, name },
      document: renderClusterDocument(config),
      outside: outsideCredentials(answers, io.cwd, RECEIVER_SECRET_KEYS),
      keyFile: path.resolve(io.cwd, answers.keyFile!),
      ...(answers.profile === 'workload' ? { serviceClusterKey: readServiceKey(answers, io.cwd) } : {}),
      progress: (line) => io.stderr(`${line}\n`),
      hint: flagHint,
      lock: { onWait: waitNotice(io) },
    });
    io.stdout(`synth: ${synth.clusters} cluster(s), ${synth.files} files, changed: ${synth.changed.join(', ') || 'none'}\n`);
    printProblems(io, validation);
    io.stdout(`${validationSummary(validation)}\n`);
    if (validation.problems.length > 0) {
      io.stderr('init: validation failed; every change was undone\n');
      throw new ReportedFailure(1);
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

/** The outside credentials the answers hold, under the names the components' generators ask for. */
function outsideCredentials(a: InitAnswers, cwd: string, receiverKeys: Readonly<Record<ReceiverType, string>>): OutsideCredentials {
  let connector: Record<string, string> = {};
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
    's3-access-key-id': a.s3AccessKeyId!,
    's3-secret-access-key': a.s3SecretAccessKey!,
    ...Object.fromEntries(Object.entries(connector).map(([key, value]) => [`identity-connector/${key}`, value])),
    ...(a.receiverType ? { [`alert-receiver/${receiverKeys[a.receiverType as ReceiverType]}`]: a.receiverSecret! } : {}),
  };
}

/** The service cluster's private key, needed to add the new cluster's accounts to its Secrets. */
function readServiceKey(a: InitAnswers, cwd: string): string {
  const file = path.resolve(cwd, a.serviceClusterKeyFile!);
  let key: string;
  try {
    key = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `--service-cluster-key-file ${a.serviceClusterKeyFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  if (!key.includes('AGE-SECRET-KEY-1'))
    throw new UsageError(`--service-cluster-key-file ${a.serviceClusterKeyFile} holds no age private key (AGE-SECRET-KEY-1...)`);
  return key;
}
