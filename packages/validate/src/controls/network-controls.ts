import { type Control, describeObject, ofKind } from './control.js';

function isDefaultDeny(spec: any): boolean {
  const types: unknown[] = spec?.policyTypes ?? [];
  return (
    spec !== undefined &&
    Object.keys(spec.podSelector ?? {}).length === 0 &&
    types.includes('Ingress') &&
    types.includes('Egress') &&
    (spec.ingress ?? []).length === 0 &&
    (spec.egress ?? []).length === 0
  );
}

export const NETWORK_CONTROLS: readonly Control[] = [
  {
    id: 'CK8S-NET-001',
    title: 'every namespace denies all ingress and egress traffic by default',
    cis: ['5.3.2'],
    nsa: ['Network separation and hardening'],
    kubescape: ['C-0030', 'C-0054'],
    evaluate: ({ objects }) => {
      const policies = ofKind(objects, 'NetworkPolicy');
      const findings: string[] = [];
      const evidence: string[] = [];
      for (const ns of ofKind(objects, 'Namespace')) {
        const name = ns.doc.metadata.name;
        const deny = policies.find((p) => p.doc.metadata.namespace === name && isDefaultDeny(p.doc.spec));
        if (deny) evidence.push(describeObject(deny));
        else findings.push(`namespace ${name} has no default-deny NetworkPolicy for ingress and egress (${ns.file})`);
      }
      return { findings, objects: evidence };
    },
  },
];
