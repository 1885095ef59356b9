/**
 * The part of @ck8s/core that loads without cdk8s: the cluster configuration (schema, loader,
 * errors), the workspace, the chart catalog, naming, tools and the YAML writer. Commands that only
 * read the repository (`ck8s secrets check`) and libraries without constructs import
 * `@ck8s/core/base` so they start fast; `@ck8s/core` re-exports all of it.
 */
export * from './catalog.js';
export * from './config/age-recipient.js';
export * from './config/cluster-config-schema.js';
export * from './config/data-services-schema.js';
export * from './config/config-error.js';
export * from './config/enforcement.js';
export * from './config/load-cluster-config.js';
export * from './config/load-fleet.js';
export * from './config/paths.js';
export * from './config/tenant-hosts.js';
export * from './config/url-credentials.js';
export * from './config/yaml-documents.js';
export * from './config/yaml-file.js';
export * from './config/yaml-package.js';
export * from './container-resources.js';
export * from './component-dashboard.js';
export * from './contributions.js';
export * from './flux/common.js';
export * from './git.js';
export * from './kubernetes-versions.js';
export * from './maintenance-window.js';
export * from './naming.js';
export * from './output/atomic-write.js';
export * from './output/canonical-yaml.js';
export * from './output/replace-tree.js';
export * from './output/repository-lock.js';
export * from './output/scratch.js';
export * from './output/swap-directory.js';
export * from './pods.js';
export * from './repository-layout.js';
export * from './schema-mirror.js';
export * from './security-context.js';
export * from './service-endpoints.js';
export * from './tools.js';
export * from './workspace.js';
