import type { ManifestDocument } from '@ck8s/policy';
import { admissionPrecheck, type FixPatch } from './admission-precheck.js';
import { apiVersionFindings } from './api-versions.js';
import { buildInventory } from './build-inventory.js';
import { dependencyMatrix, migrationOrder, workloadLinks } from './dependency-matrix.js';
import { detectDependencies } from './detect-dependencies.js';
import { ingressAnnotationFindings } from './ingress-annotations.js';
import { inputObjects } from './input-objects.js';
import type { MigrationTarget } from './migration-target.js';
import { Relations } from './relations.js';
import { MIGRATION_SCAN_FORMAT, type MigrationScan } from './scan-model.js';
import { tenantStub } from './tenant-stub.js';

export interface MigrationScanResult {
  readonly scan: MigrationScan;
  /** The kustomize patches of the automatic fixes (`--fix`). */
  readonly patches: readonly FixPatch[];
}

/**
 * Scans manifests of workloads leaving AKS for a target cluster: inventory, Azure dependencies with
 * evidence and replacements, the dependency matrix and migration order, the admission pre-check
 * with fixes, API versions the target no longer serves, ingress-nginx annotations
 * with their NGINX Ingress Controller equivalents, and a tenant stub. Pure: reads only the
 * schema mirror; the same documents give the same scan.
 * @param documents parsed manifests (`loadManifests`), files named as they should be shown
 * @param inputs the paths as given, for the report
 */
export function scanMigration(documents: readonly ManifestDocument[], target: MigrationTarget, inputs: readonly string[]): MigrationScanResult {
  const objects = inputObjects(documents);
  const relations = new Relations(objects);
  const dependencies = detectDependencies(objects, relations);
  const links = workloadLinks(objects, relations);
  const matrix = dependencyMatrix(relations, dependencies, links);
  const { findings, patches } = admissionPrecheck(objects, target.admission);
  const scan: MigrationScan = {
    version: MIGRATION_SCAN_FORMAT,
    target: {
      cluster: target.cluster,
      kubernetesVersion: target.kubernetesVersion,
      allowedRegistries: [...target.admission.allowedRegistries],
      rules: target.admission.rules.length,
    },
    inputs: [...inputs],
    objects: objects.length,
    inventory: buildInventory(objects, relations),
    dependencies,
    matrix,
    order: migrationOrder(dependencies, matrix),
    admission: findings,
    apiVersions: target.schemaMirror
      ? {
          source: `schema mirror, kubernetes ${target.kubernetesVersion}`,
          findings: apiVersionFindings(objects, target.schemaMirror, target.kubernetesVersion),
        }
      : { source: null, findings: [] },
    ingressAnnotations: ingressAnnotationFindings(objects),
    tenantStub: tenantStub(objects, relations, dependencies, target.cluster),
  };
  return { scan, patches };
}
