import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaMirrorReleases } from '@ck8s/core';
import { apiVersionFindings, readServedApis } from '../src/index.js';
import { inputObjects } from '../src/input-objects.js';
import { REPO_ROOT } from './aks-shop.js';

const MIRROR = path.resolve(REPO_ROOT, '../shared/schemas');
const object = (apiVersion: string, kind: string, name: string) => ({
  file: 'in.yaml',
  object: { apiVersion, kind, metadata: { name, namespace: 'shop' } },
});

describe('API versions from the schema mirror', () => {
  it('reads the served kinds of a release, without the pseudo-kinds every group version lists', () => {
    const served = readServedApis(MIRROR, '1.33.4');
    expect(served.kubernetesVersion).toBe('1.33');
    expect(served.kinds.has('apps/v1/Deployment')).toBe(true);
    expect(served.kinds.has('/v1/Pod')).toBe(true);
    expect(served.kinds.has('policy/v1beta1/PodDisruptionBudget')).toBe(false);
    expect(served.kinds.has('extensions/v1beta1/DeleteOptions')).toBe(false);
    expect(served.groups.has('extensions')).toBe(true);
    expect(schemaMirrorReleases(MIRROR)).toContain('1.33');
  });

  it('finds removed versions with the served replacement, also across groups, and versions a later release drops', () => {
    const findings = apiVersionFindings(
      inputObjects([
        object('extensions/v1beta1', 'Ingress', 'web'),
        object('batch/v1beta1', 'CronJob', 'nightly'),
        object('policy/v1beta1', 'PodSecurityPolicy', 'old'),
        object('admissionregistration.k8s.io/v1beta1', 'ValidatingAdmissionPolicy', 'beta'),
        object('apps/v1', 'Deployment', 'current'),
        object('cert-manager.io/v1', 'Certificate', 'tls'),
        object('cert-manager.io/v1alpha2', 'Certificate', 'old-tls'),
      ]),
      MIRROR,
      '1.33',
    );
    expect(findings.map((f) => [f.object, f.status, f.replacement])).toEqual([
      ['ValidatingAdmissionPolicy shop/beta', 'deprecated', 'admissionregistration.k8s.io/v1'],
      ['CronJob shop/nightly', 'removed', 'batch/v1'],
      ['Ingress shop/web', 'removed', 'networking.k8s.io/v1'],
      ['PodSecurityPolicy shop/old', 'removed', null],
      ['Certificate shop/old-tls', 'unknown-custom-resource', 'cert-manager.io/v1'],
    ]);
    expect(findings[0]!.detail).toMatch(/^served by kubernetes 1\.33 but no longer by 1\.3[4-9]/);
  });

  it('names the missing release', () => {
    expect(() => readServedApis(MIRROR, '1.20')).toThrow(/has no definitions for kubernetes 1\.20/);
  });
});
