import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChartCatalog, ConfigError } from '../src/index.js';

const CHART = 'charts:\n  dex:\n    repository: https://charts.dexidp.io\n    chart: dex\n    version: 0.23.0\n';

function load(text: string): ChartCatalog {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ck8s-catalog-')), 'catalog.yaml');
  writeFileSync(file, text);
  return ChartCatalog.load(file, 'charts/catalog.yaml');
}

function problems(text: string): string[] {
  try {
    load(text);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
  }
}

describe('ChartCatalog', () => {
  it('pins Flux next to the charts', () => {
    const catalog = load(`flux:\n  repository: oci://ghcr.io/fluxcd/flux-manifests\n  version: v2.7.3\n${CHART}`);
    expect(catalog.flux).toEqual({ repository: 'oci://ghcr.io/fluxcd/flux-manifests', version: 'v2.7.3' });
    expect(catalog.names).toEqual(['dex']);
  });

  it('needs an exact Flux release from an OCI repository', () => {
    expect(problems(CHART)).toEqual([expect.stringMatching(/^charts\/catalog\.yaml: flux: /)]);
    expect(problems(`flux:\n  repository: oci://ghcr.io/fluxcd/flux-manifests\n  version: 2.x\n${CHART}`)).toEqual([
      'charts/catalog.yaml: flux.version: "2.x" is not an exact Flux release (vX.Y.Z; every bump is reviewed here)',
    ]);
    expect(problems(`flux:\n  repository: https://github.com/fluxcd/flux2\n  version: v2.7.3\n${CHART}`)).toEqual([
      'charts/catalog.yaml: flux.repository: "https://github.com/fluxcd/flux2" is not an OCI repository URL (oci://...)',
    ]);
  });

  it('says where to pin Flux when a catalog built in code has none', () => {
    expect(() => new ChartCatalog([]).flux).toThrow(
      'flux is not in charts/catalog.yaml; add it there with repository (oci://...) and an exact version',
    );
  });
});
