import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChartCatalog, renovateSchedule, Workspace } from '@ck8s/core';
import { describe, expect, it } from 'vitest';

/**
 * Renovate finds the pinned charts and tools with the regexes of renovate.json. A regex that stops
 * matching an entry (a reordered field, a new repository style) fails silently there: no update is
 * ever proposed. These tests apply the regexes the way Renovate does and demand every entry.
 */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface CustomManager {
  readonly customType: string;
  readonly managerFilePatterns: readonly string[];
  readonly matchStrings: readonly string[];
  readonly datasourceTemplate?: string;
  readonly packageNameTemplate?: string;
  readonly registryUrlTemplate?: string;
  readonly versioningTemplate?: string;
}

interface Dependency {
  readonly depName: string;
  readonly currentValue: string;
  readonly datasource: string;
  readonly packageName?: string;
  readonly registryUrl?: string;
}

const config = JSON.parse(readFileSync(path.join(REPO_ROOT, 'renovate.json'), 'utf8')) as {
  timezone?: string;
  schedule?: string[];
  customManagers: CustomManager[];
  packageRules: Record<string, unknown>[];
};

/** Renovate's managerFilePatterns: `/regex/` or a glob; only the regex form is used here. */
function managesFile(manager: CustomManager, file: string): boolean {
  return manager.managerFilePatterns.some((p) => {
    const regex = /^\/(.*)\/$/.exec(p);
    if (!regex) throw new Error(`managerFilePatterns "${p}" is not a /regex/`);
    return new RegExp(regex[1]!).test(file);
  });
}

/** The handlebars templates used here: {{{group}}} and {{group}} of the match's named groups. */
function fill(template: string, groups: Record<string, string>): string {
  return template.replace(/\{\{\{?\s*([A-Za-z]+)\s*\}?\}\}/g, (_, name: string) => {
    if (!(name in groups)) throw new Error(`template ${template} uses the group "${name}", which the regex does not capture`);
    return groups[name]!;
  });
}

/** What Renovate extracts from a file: every match of every regex of every manager of that file (global flag, like Renovate). */
function extract(file: string): Dependency[] {
  const content = readFileSync(path.join(REPO_ROOT, file), 'utf8');
  return config.customManagers
    .filter((m) => m.customType === 'regex' && managesFile(m, file))
    .flatMap((m) =>
      m.matchStrings.flatMap((s) =>
        [...content.matchAll(new RegExp(s, 'g'))].map((match): Dependency => {
          const groups = { ...match.groups } as Record<string, string>;
          return {
            depName: groups.depName!,
            currentValue: groups.currentValue!,
            datasource: groups.datasource ?? m.datasourceTemplate!,
            ...(groups.packageName || m.packageNameTemplate ? { packageName: groups.packageName ?? fill(m.packageNameTemplate!, groups) } : {}),
            ...(groups.registryUrl || m.registryUrlTemplate ? { registryUrl: groups.registryUrl ?? fill(m.registryUrlTemplate!, groups) } : {}),
          };
        }),
      ),
    );
}

const byName = (a: Dependency, b: Dependency): number => (a.depName + a.currentValue < b.depName + b.currentValue ? -1 : 1);

describe('renovate.json', () => {
  it('finds every chart of charts/catalog.yaml with its version, datasource and source', () => {
    const catalog = ChartCatalog.load(path.join(REPO_ROOT, 'charts/catalog.yaml'));
    const expected = catalog.names.map((name): Dependency => {
      const { repository, chart, version } = catalog.get(name);
      return repository.startsWith('oci://')
        ? { depName: chart, currentValue: version, datasource: 'docker', packageName: `${repository.slice('oci://'.length)}/${chart}` }
        : { depName: chart, currentValue: version, datasource: 'helm', registryUrl: repository };
    });
    expect(expected.length).toBeGreaterThan(10);
    // Flux itself: its install manifests, an OCI artifact tagged with the release
    expected.push({ depName: catalog.flux.repository.slice('oci://'.length), currentValue: catalog.flux.version, datasource: 'docker' });
    // exactly once each: a second match would propose the same bump twice
    expect(extract('charts/catalog.yaml').sort(byName)).toEqual(expected.sort(byName));
  });

  it('finds every Go tool of tools.json by its module', () => {
    const { tools } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tools.json'), 'utf8')) as {
      tools: Record<string, { module: string; version: string }>;
    };
    const expected = Object.values(tools).map((t): Dependency => ({
      depName: t.module.replace(/\/cmd\/.*$/, ''),
      currentValue: t.version,
      datasource: 'go',
    }));
    expect(expected.length).toBeGreaterThan(0);
    expect(extract('tools.json').sort(byName)).toEqual(expected.sort(byName));
  });

  it('keeps to regex syntax that Renovate runs with RE2: no lookaround, no backreferences', () => {
    for (const s of config.customManagers.flatMap((m) => m.matchStrings)) expect(s).not.toMatch(/\(\?<?[=!]|\\[1-9]/);
  });

  it('never automerges: every update is reviewed like any other change', () => {
    expect(JSON.stringify(config)).not.toMatch(/"automerge":\s*true/);
  });

  it('proposes updates in the maintenance window of ck8s.config.yaml, major ones on its major-update day', () => {
    const expected = renovateSchedule(new Workspace(REPO_ROOT, {}).settings.maintenance);
    expect(config.timezone).toBe(expected.timezone);
    expect(config.schedule).toEqual(expected.schedule);
    const majors = config.packageRules.filter((r) => JSON.stringify(r.matchUpdateTypes) === '["major"]');
    expect(majors.map((r) => r.schedule)).toEqual([expected.majorSchedule]);
    // no other rule moves updates out of the window
    expect(config.packageRules.filter((r) => r.schedule !== undefined)).toHaveLength(1);
  });
});
