import { describe, expect, it } from 'vitest';
import { applyPostRenderPatches, cidrContains, crdApiVersions, egressDenied, imageRegistry } from '../src/index.js';

describe('imageRegistry', () => {
  it('resolves images as the container runtime does: no registry host means Docker Hub', () => {
    expect(imageRegistry('nginx:1.27')).toBe('docker.io');
    expect(imageRegistry('velero/velero:v1.16.0')).toBe('docker.io');
    expect(imageRegistry('docker.io/bitnami/kubectl:1.33')).toBe('docker.io');
    expect(imageRegistry('registry-1.docker.io/library/busybox')).toBe('docker.io');
    expect(imageRegistry('quay.io/jetstack/cert-manager-controller:v1.17.2')).toBe('quay.io');
    expect(imageRegistry('registry.example.com:5000/team/app@sha256:abc')).toBe('registry.example.com:5000');
    expect(imageRegistry('localhost/app')).toBe('localhost');
  });
});

describe('egressDenied', () => {
  const deny = {
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny', namespace: 'ns' },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
  const allow = (cidr: string, port?: number, except?: string[]) => ({
    kind: 'NetworkPolicy',
    metadata: { name: 'allow', namespace: 'ns' },
    spec: {
      podSelector: { matchLabels: { app: 'a' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr, ...(except ? { except } : {}) } }], ...(port ? { ports: [{ port }] } : {}) }],
    },
  });
  const api = { cidrs: ['10.0.0.1/32'], port: 6443 };

  it('allows a pod no egress policy selects, and denies one isolated without a matching rule', () => {
    expect(egressDenied([], 'ns', { app: 'a' }, api)).toBeUndefined();
    expect(egressDenied([deny], 'other', { app: 'a' }, api)).toBeUndefined();
    expect(egressDenied([deny], 'ns', { app: 'a' }, api)).toBe(
      'no egress to 10.0.0.1/32:6443; the pod (labels {"app":"a"}) is isolated by default-deny',
    );
  });

  it('matches addresses by CIDR, ports, except blocks and the pod selector', () => {
    expect(egressDenied([deny, allow('10.0.0.0/8', 6443)], 'ns', { app: 'a' }, api)).toBeUndefined();
    expect(egressDenied([deny, allow('10.0.0.0/8')], 'ns', { app: 'a' }, api)).toBeUndefined();
    expect(egressDenied([deny, allow('10.0.0.0/8', 443)], 'ns', { app: 'a' }, api)).toMatch(/^no egress to 10.0.0.1\/32:6443/);
    expect(egressDenied([deny, allow('10.0.0.0/8', 6443, ['10.0.0.0/24'])], 'ns', { app: 'a' }, api)).toMatch(/^no egress/);
    expect(egressDenied([deny, allow('10.0.0.0/8', 6443)], 'ns', { app: 'b' }, api)).toMatch(/isolated by default-deny$/);
    expect(cidrContains('0.0.0.0/0', '192.0.2.1/32')).toBe(true);
    expect(cidrContains('10.1.0.0/16', '10.0.0.1/32')).toBe(false);
  });
});

describe('applyPostRenderPatches', () => {
  const sts = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 's' },
    spec: {
      template: {
        spec: {
          initContainers: [
            { name: 'a', image: 'x' },
            { name: 'b', image: 'y' },
          ],
          containers: [{ name: 'c' }],
        },
      },
    },
  };

  it('merges pod template lists by name, as a strategic-merge patch does', () => {
    const patch =
      'kind: StatefulSet\nmetadata:\n  name: s\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: b\n          securityContext: {runAsNonRoot: true}\n';
    const [patched] = applyPostRenderPatches([sts], [{ target: { kind: 'StatefulSet', name: 's' }, patch }]);
    expect(patched!.spec.template.spec).toEqual({
      initContainers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'y', securityContext: { runAsNonRoot: true } },
      ],
      containers: [{ name: 'c' }],
    });
    expect(sts.spec.template.spec.initContainers[1]).toEqual({ name: 'b', image: 'y' });
  });

  it('fails when a patch no longer matches what the chart renders', () => {
    expect(() => applyPostRenderPatches([sts], [{ target: { kind: 'StatefulSet', name: 'gone' }, patch: 'kind: StatefulSet\n' }])).toThrow(
      'post-render patch for StatefulSet/gone matches no rendered object',
    );
  });
});

describe('crdApiVersions', () => {
  it('lists the served versions of each CRD, with and without the kind', () => {
    const crd = {
      kind: 'CustomResourceDefinition',
      spec: {
        group: 'monitoring.coreos.com',
        names: { kind: 'ServiceMonitor' },
        versions: [
          { name: 'v1', served: true },
          { name: 'v1beta1', served: false },
        ],
      },
    };
    expect(crdApiVersions([crd])).toEqual(['monitoring.coreos.com/v1', 'monitoring.coreos.com/v1/ServiceMonitor']);
  });
});
