import { ENFORCEMENT_REASON_ANNOTATION, POD_SECURITY_EXCEPTION_ANNOTATION } from '@ck8s/core';
import { apiServerFlags } from './audit-controls.js';
import { type Control, type ControlContext, type ControlOutcome, describeObject, ofKind, type OutputObject, type WeakenedRule } from './control.js';

/** Admission plugins the API server must run beyond its defaults (see @ck8s/apiserver). */
const REQUIRED_ADMISSION_PLUGINS = ['DenyServiceExternalIPs'];

/** The API server flags of the node files turn on the admission plugins the platform relies on. */
function admissionPluginFindings(context: ControlContext): string[] {
  const { kubeadm, talos } = apiServerFlags(context);
  const findings: string[] = [];
  for (const [where, value] of [
    ['node/kubeadm-patch.yaml', kubeadm.get('enable-admission-plugins')],
    ['node/talos-patch.yaml', talos['enable-admission-plugins']],
  ] as const) {
    const enabled = String(value ?? '').split(',');
    for (const plugin of REQUIRED_ADMISSION_PLUGINS.filter((p) => !enabled.includes(p)))
      findings.push(`${where}: enable-admission-plugins does not include ${plugin}`);
  }
  return findings;
}

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const TENANT = 'platform.ck8s.io/tenant';

/** The policy and binding of each expected name, and what is wrong with them. */
function checkPolicies(context: ControlContext, names: readonly string[]) {
  const policies = ofKind(context.objects, 'ValidatingAdmissionPolicy');
  const bindings = ofKind(context.objects, 'ValidatingAdmissionPolicyBinding');
  const findings: string[] = [];
  const evidence: string[] = [];
  const exceptions: string[] = [];
  const weakened: WeakenedRule[] = [];
  for (const name of names) {
    const policy = policies.find((p) => p.doc.metadata.name === name);
    const binding = bindings.find((b) => b.doc.spec?.policyName === name);
    if (!policy) findings.push(`admission policy ${name} is missing`);
    else if (policy.doc.spec?.failurePolicy !== 'Fail')
      findings.push(`admission policy ${name} does not fail closed (failurePolicy: ${policy.doc.spec?.failurePolicy})`);
    if (!binding) {
      findings.push(`admission policy ${name} has no binding`);
      continue;
    }
    if (policy) evidence.push(describeObject(policy), describeObject(binding));
    const actions: string[] = binding.doc.spec?.validationActions ?? [];
    if (actions.length === 0) findings.push(`binding ${binding.doc.metadata.name} has no validation actions`);
    if (actions.length > 0 && !actions.includes('Deny')) {
      // a rule that does not deny is an exception for every tenant: it holds only with a reason
      const reason = String(binding.doc.metadata.annotations?.[ENFORCEMENT_REASON_ANNOTATION] ?? '').trim();
      if (!reason)
        findings.push(
          `binding ${binding.doc.metadata.name} does not deny (${actions.join('+')}) and gives no reason (${ENFORCEMENT_REASON_ANNOTATION})`,
        );
      else weakened.push({ policy: name, enforcement: actions.includes('Warn') ? 'warn' : 'audit', reason });
    }
    const excepted = binding.doc.metadata.annotations?.['platform.ck8s.io/exceptions'];
    if (excepted) for (const line of String(excepted).split('\n')) exceptions.push(`${name}: ${line}`);
    const selector = binding.doc.spec?.matchResources?.namespaceSelector;
    const tenantsOrDefault = (selector?.matchExpressions ?? []).some(
      (e: any) => (e.key === TENANT && e.operator === 'Exists') || (e.key === 'kubernetes.io/metadata.name' && e.operator === 'In'),
    );
    if (!tenantsOrDefault) findings.push(`binding ${binding.doc.metadata.name} does not select tenant namespaces`);
  }
  return { findings, objects: evidence, exceptions, weakened };
}

function namespacesOf(objects: readonly OutputObject[]): OutputObject[] {
  return ofKind(objects, 'Namespace');
}

export const POD_SECURITY_CONTROLS: readonly Control[] = [
  {
    id: 'CK8S-PSA-001',
    title: 'every namespace has Pod Security Admission labels; tenants enforce restricted; any lower level is justified',
    cis: ['5.2.1'],
    nsa: ['Kubernetes Pod security'],
    kubescape: ['C-0013', 'C-0016', 'C-0057'],
    evaluate: ({ objects }) => {
      const findings: string[] = [];
      const evidence: string[] = [];
      const exceptions: string[] = [];
      for (const ns of namespacesOf(objects)) {
        const labels = ns.doc.metadata.labels ?? {};
        const level = labels[ENFORCE];
        const name = ns.doc.metadata.name;
        if (!level) findings.push(`namespace ${name} has no ${ENFORCE} label`);
        else if (labels[TENANT] && level !== 'restricted') findings.push(`tenant namespace ${name} enforces "${level}", not restricted`);
        else if (level !== 'restricted') {
          const reason = ns.doc.metadata.annotations?.[POD_SECURITY_EXCEPTION_ANNOTATION];
          if (!reason) findings.push(`namespace ${name} enforces "${level}" without a ${POD_SECURITY_EXCEPTION_ANNOTATION} annotation`);
          else exceptions.push(`${name}: ${level} (${reason})`);
        }
        evidence.push(describeObject(ns));
      }
      return { findings, objects: evidence, exceptions };
    },
  },
  {
    id: 'CK8S-ADM-001',
    title: 'the API server enforces the complete Pod Security Standards in tenant namespaces (ValidatingAdmissionPolicy)',
    cis: ['5.2.1', '5.2.2', '5.2.3', '5.2.4', '5.2.5', '5.2.6', '5.2.7', '5.2.8', '5.2.9', '5.2.10', '5.2.11', '5.2.12', '5.2.13'],
    nsa: ['Kubernetes Pod security'],
    kubescape: ['C-0016', 'C-0038', 'C-0041', 'C-0044', 'C-0046', 'C-0048', 'C-0055', 'C-0057'],
    evaluate: (context) => checkPolicies(context, context.expectedPolicies.podSecurity),
  },
  {
    id: 'CK8S-ADM-002',
    title:
      'platform admission rules: allowed registries, pinned tags, resource requests and limits, no default namespace, service types and external IPs, tenant hosts, network and RBAC guards, protected platform objects',
    cis: ['5.7.4', '5.1.1'],
    nsa: ['Kubernetes Pod security', 'Network separation and hardening'],
    kubescape: ['C-0001', 'C-0004', 'C-0009', 'C-0050', 'C-0061', 'C-0075', 'C-0078'],
    evaluate: (context): ControlOutcome => {
      const outcome = checkPolicies(context, context.expectedPolicies.platform);
      return { ...outcome, findings: [...outcome.findings, ...admissionPluginFindings(context)] };
    },
  },
  {
    id: 'CK8S-TEN-001',
    title: 'every tenant namespace has a ResourceQuota for CPU and memory',
    cis: ['5.7.1'],
    nsa: ['Network separation and hardening'],
    kubescape: ['C-0009'],
    evaluate: ({ objects }) => {
      const quotas = ofKind(objects, 'ResourceQuota');
      const findings: string[] = [];
      const evidence: string[] = [];
      for (const ns of namespacesOf(objects).filter((n) => n.doc.metadata.labels?.[TENANT])) {
        const quota = quotas.find((q) => q.doc.metadata.namespace === ns.doc.metadata.name);
        const hard = quota?.doc.spec?.hard ?? {};
        // CPU is capped by requests (the platform sets no CPU limits), memory by requests and limits
        const missing = ['requests.cpu', 'requests.memory', 'limits.memory'].filter((r) => !hard[r]);
        if (!quota) findings.push(`tenant namespace ${ns.doc.metadata.name} has no ResourceQuota capping cpu and memory`);
        else if (missing.length > 0) findings.push(`${describeObject(quota)} does not cap ${missing.join(', ')}`);
        else evidence.push(describeObject(quota));
      }
      return { findings, objects: evidence };
    },
  },
];
