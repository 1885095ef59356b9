import { Component, FLUX_PLATFORM_APPLIER, type FluxController, Kustomization, OCIRepository } from '@ck8s/core';
import type { Construct } from 'constructs';
import { FLUX_NAMESPACE } from './flux-sync.js';

/** Name of the Flux Kustomization that installs Flux (the layers depend on it). */
export const FLUX_INSTALL = 'flux';

/**
 * Flux's multi-tenancy lockdown, as Flux's multi-tenancy guide sets it
 * (fluxcd.io/flux/installation/configuration/multitenancy, fluxcd/flux2-multi-tenancy):
 * - no cross-namespace references: a Kustomization or HelmRelease only uses sources, Secrets and
 *   ServiceAccounts of its own namespace, so a tenant cannot use the platform's GitRepository,
 *   its sops key or another tenant's source;
 * - no remote bases: everything applied comes from a Flux source, never from a URL in a file;
 * - default service account `default`: an object without `spec.serviceAccountName` is applied
 *   as its namespace's `default` ServiceAccount, which the platform grants nothing, instead of as
 *   the controller itself (cluster-admin). The platform's own objects name their account.
 */
export const FLUX_LOCKDOWN_ARGS: Readonly<Record<FluxController, readonly string[]>> = {
  'source-controller': [],
  'kustomize-controller': ['--no-cross-namespace-refs=true', '--no-remote-bases=true', '--default-service-account=default'],
  'helm-controller': ['--no-cross-namespace-refs=true', '--default-service-account=default'],
  'notification-controller': ['--no-cross-namespace-refs=true'],
};

/**
 * Controllers of the published install manifests that the platform does not run (image
 * automation writes to Git; nothing here uses it): their Deployments are left out.
 */
export const FLUX_UNUSED_CONTROLLERS: readonly string[] = ['image-reflector-controller', 'image-automation-controller'];

export interface FluxInstallProps {
  /** OCI repository of Flux's install manifests, e.g. `oci://ghcr.io/fluxcd/flux-manifests`. */
  readonly repository: string;
  /** Flux release: the artifact's tag, e.g. `v2.7.3`. */
  readonly version: string;
  /** How often Flux checks the artifact and reverts changes to its own objects. @default '10m' */
  readonly interval?: string;
}

/**
 * Flux's own installation (`flux-system/flux.yaml`), managed like any other component: an
 * `OCIRepository` of the install manifests Flux publishes for each release (the output of
 * `flux install` for that release, pushed and signed by Flux's release workflow as
 * `oci://ghcr.io/fluxcd/flux-manifests:<release>`), and a Kustomization that applies them with the
 * multi-tenancy lockdown patched into the controllers' arguments, as the guide patches the
 * bootstrap's `gotk-components.yaml`. Nothing of Flux is copied into the repository: the release
 * is pinned in charts/catalog.yaml and the manifests are Flux's own.
 *
 * The platform's layers depend on this Kustomization, so after a bootstrap with a plain
 * `flux install` nothing of the platform (tenants included) is applied before the controllers run
 * locked down. `deletionPolicy: Orphan`: removing this object from Git never uninstalls Flux.
 */
export class FluxInstall extends Component {
  constructor(scope: Construct, id: string, props: FluxInstallProps) {
    super(scope, id, { layer: 'flux-system' });
    const interval = props.interval ?? '10m';
    // a loopback registry (an offline test cluster's) speaks plain HTTP
    const loopback = /^oci:\/\/(127\.0\.0\.1|localhost)(:[0-9]+)?\//.test(props.repository);

    new OCIRepository(this, 'source', {
      metadata: { name: 'flux-manifests', namespace: FLUX_NAMESPACE },
      spec: { url: props.repository, interval, ref: { tag: props.version }, ...(loopback ? { insecure: true } : {}) },
    });

    const argPatches = (Object.entries(FLUX_LOCKDOWN_ARGS) as [FluxController, readonly string[]][])
      .filter(([, args]) => args.length > 0)
      .map(([controller, args]) => ({
        target: { group: 'apps', version: 'v1', kind: 'Deployment', name: controller },
        // appended after the arguments of `flux install`; Flux's flags are plain Go flags, so
        // these are the only values of their names
        patch: jsonPatch(args.map((arg) => ({ op: 'add', path: '/spec/template/spec/containers/0/args/-', value: arg }))),
      }));

    new Kustomization(this, 'install', {
      metadata: { name: FLUX_INSTALL, namespace: FLUX_NAMESPACE },
      spec: {
        interval,
        timeout: '5m',
        path: './',
        prune: true,
        wait: true,
        deletionPolicy: 'Orphan',
        serviceAccountName: FLUX_PLATFORM_APPLIER,
        sourceRef: { kind: 'OCIRepository', name: 'flux-manifests' },
        patches: [
          ...argPatches,
          {
            target: { group: 'apps', version: 'v1', kind: 'Deployment', name: `(${FLUX_UNUSED_CONTROLLERS.join('|')})` },
            patch: ['$patch: delete', 'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: unused', ''].join('\n'),
          },
        ],
      },
    });
  }
}

/** A JSON 6902 patch as the YAML text Flux's `spec.patches[].patch` takes. */
function jsonPatch(ops: readonly { op: string; path: string; value: string }[]): string {
  return ops.map((o) => `- op: ${o.op}\n  path: ${o.path}\n  value: ${o.value}\n`).join('');
}
