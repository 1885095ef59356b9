import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHANGE_LIMIT } from '@ck8s/report';
import { DEFAULT_CHANGES } from '../src/commands/report.js';
import { clusterConfigSchemaText } from '../src/commands/schemas.js';
import { ck8s, REPO_ROOT } from './repo-fixture.js';

/**
 * What a run of the built CLI imports (see loaded-packages.mjs): from its modules (`dist/main.js`),
 * or as the ck8s binary runs it, from the bundle.
 */
async function importsOf(args: string[], from: 'modules' | 'bundle'): Promise<Set<string>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-loaded-'));
  try {
    const record = path.join(dir, 'imports.txt');
    const hook = pathToFileURL(path.join(REPO_ROOT, 'packages/cli/test/loaded-packages.mjs')).href;
    const entry = pathToFileURL(path.join(REPO_ROOT, 'packages/cli/dist/main.js')).href;
    const command =
      from === 'bundle'
        ? [path.join(REPO_ROOT, 'packages/cli/bin/ck8s.js'), ...args]
        : [
            '--input-type=module',
            '-e',
            `const { main } = await import(${JSON.stringify(entry)}); process.exitCode = await main(${JSON.stringify(args)});`,
          ];
    const run = await execa(process.execPath, ['--import', hook, ...command], {
      cwd: REPO_ROOT,
      reject: false,
      env: { CK8S_LOADED_PACKAGES: record },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    return new Set(readFileSync(record, 'utf8').split('\n').filter(Boolean));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes of code the ck8s binary reads for a command; it reads nothing outside its bundle. */
async function bundleBytes(args: string[]): Promise<number> {
  const imports = [...(await importsOf(args, 'bundle'))];
  expect(imports.filter((name) => !name.startsWith('bundle:'))).toEqual([]);
  return imports.reduce((sum, name) => sum + statSync(path.join(REPO_ROOT, 'packages/cli/dist/bundle', name.slice('bundle:'.length))).size, 0);
}

describe('ck8s command line', () => {
  it('lists its commands, and each command has help', async () => {
    const help = await ck8s(REPO_ROOT, ['--help']);
    expect(help.code).toBe(0);
    for (const command of ['init', 'synth', 'validate', 'secrets', 'policy', 'schemas', 'diff', 'audit', 'report', 'migrate'])
      expect(help.stdout).toContain(command);
    for (const command of [
      ['init'],
      ['synth'],
      ['validate'],
      ['diff'],
      ['audit'],
      ['report'],
      ['secrets', 'init'],
      ['secrets', 'set'],
      ['secrets', 'check'],
      ['schemas', 'import'],
      ['schemas', 'cluster-config'],
      ['policy', 'eval'],
      ['migrate', 'scan'],
    ]) {
      const result = await ck8s(REPO_ROOT, [...command, '--help']);
      expect(result.code, command.join(' ')).toBe(0);
      expect(result.stdout).toContain(`Usage: ck8s ${command.join(' ')}`);
    }
  });

  it('loads for each command only the libraries it uses', async () => {
    // help needs the command definitions alone; the secrets check reads YAML (js-yaml; the yaml package
    // only for a file it must report), but neither synthesizes (cdk8s), encrypts (age, sops through
    // execa), makes certificates (x509) nor evaluates CEL
    expect([...(await importsOf(['--help'], 'modules'))].sort()).toEqual(['@ck8s/cli', 'commander']);
    const check = await importsOf(['secrets', 'check'], 'modules');
    expect(check).toContain('@ck8s/secrets');
    for (const heavy of [
      'cdk8s',
      'constructs',
      'execa',
      'age-encryption',
      '@peculiar/x509',
      'bcryptjs',
      '@bufbuild/cel',
      '@ck8s/policy',
      '@ck8s/validate',
      'yaml',
    ])
      expect(check, heavy).not.toContain(heavy);
    // the bundle keeps those boundaries: of its 3 MB or so, help reads the command definitions
    // (commander included) and the check less than half of what validate reads
    const help = await bundleBytes(['--help']);
    const secrets = await bundleBytes(['secrets', 'check']);
    expect(help).toBeLessThan(200_000);
    expect(secrets).toBeGreaterThan(help);
    expect(secrets).toBeLessThan((await bundleBytes(['validate'])) / 2);
  });

  it("shows the report library's default for --changes without loading it", () => {
    expect(Number(DEFAULT_CHANGES)).toBe(DEFAULT_CHANGE_LIMIT);
  });

  it('exits 2 on a command line it cannot parse', async () => {
    const result = await ck8s(REPO_ROOT, ['synthesize']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'synthesize'");
  });

  it('runs as the installed ck8s binary', async () => {
    const result = await execa(process.execPath, [path.join(REPO_ROOT, 'packages/cli/bin/ck8s.js'), 'synth', '--help'], {
      cwd: REPO_ROOT,
      reject: false,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: ck8s synth');
    const bad = await execa(process.execPath, [path.join(REPO_ROOT, 'packages/cli/bin/ck8s.js'), 'validate', 'nope'], {
      cwd: REPO_ROOT,
      reject: false,
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe('ck8s: unknown cluster "nope"; clusters: demo-sc, demo-wc');
  });

  it('ships an up-to-date JSON Schema of cluster.yaml that editors find', async () => {
    const committed = readFileSync(path.join(REPO_ROOT, 'packages/core/schema/cluster.schema.json'), 'utf8');
    expect(committed).toBe(await clusterConfigSchemaText());
    const schema = JSON.parse(committed);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'profile', 'environment', 'kubernetesVersion', 'domain', 'gitops']));
    expect(schema.properties.tenants.items.properties.name.pattern).toBe('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$');
    for (const cluster of ['demo-wc', 'demo-sc']) {
      expect(readFileSync(path.join(REPO_ROOT, 'clusters', cluster, 'cluster.yaml'), 'utf8')).toMatch(
        /^# yaml-language-server: \$schema=\.\.\/\.\.\/packages\/core\/schema\/cluster\.schema\.json\n/,
      );
    }
  });
});
