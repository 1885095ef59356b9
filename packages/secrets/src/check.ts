/**
 * What `ck8s secrets check` uses, as an entry of its own: importing it loads neither the cluster
 * config schema nor key generation or encryption, so the check starts fast.
 */
export * from './age-key-env.js';
export * from './check-secrets.js';
export * from './cluster-recipients.js';
export * from './verify-decryption.js';
// the repository's layout without its settings: the check reads files and nothing else
export { RepositoryLayout, selectClusterNames } from '@ck8s/core/base';
