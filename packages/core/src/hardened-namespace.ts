import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { isDnsLabel } from './naming.js';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/**
 * Construct context key of the Pod Security Standards version namespaces pin, e.g. `v1.33`: set
 * once by the cluster's profile, so a version upgrade never changes policy silently.
 */
export const POD_SECURITY_VERSION_CONTEXT = 'ck8s:podSecurityVersion';

/** Annotation that records why a namespace runs below the restricted Pod Security level. */
export const POD_SECURITY_EXCEPTION_ANNOTATION = 'platform.ck8s.io/pod-security-exception';

export interface HardenedNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /**
   * Pod Security Admission level enforced in the namespace. Audit and warn always stay at
   * `restricted`, so anything below it is visible in audit logs and kubectl warnings.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /** Why the namespace needs a level below restricted; required in that case and written as an annotation. @default none */
  readonly podSecurityException?: string;
  /** Pod Security Standards version, e.g. `v1.33`. @default the construct context POD_SECURITY_VERSION_CONTEXT, else 'latest' */
  readonly podSecurityVersion?: string;
  /** Let pods resolve names through the cluster DNS (kube-system/kube-dns on 53/UDP and 53/TCP). @default true */
  readonly allowDns?: boolean;
  /** Extra namespace labels. @default none */
  readonly labels?: Record<string, string>;
  /** Namespace annotations. @default none */
  readonly annotations?: Record<string, string>;
}

/**
 * A namespace with Pod Security Admission labels, a default-deny NetworkPolicy for ingress
 * and egress, and DNS egress. Every other flow must be allowed by an explicit policy.
 */
export class HardenedNamespace extends Construct {
  public readonly name: string;
  public readonly podSecurity: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: HardenedNamespaceProps) {
    super(scope, id);
    if (!isDnsLabel(props.name)) throw new Error(`namespace "${props.name}" is not a DNS-1123 label`);
    this.name = props.name;
    this.podSecurity = props.podSecurity ?? 'restricted';
    if (this.podSecurity !== 'restricted' && !props.podSecurityException?.trim()) {
      throw new Error(`namespace "${props.name}": pod security "${this.podSecurity}" needs a podSecurityException that says why`);
    }
    const version = props.podSecurityVersion ?? (this.node.tryGetContext(POD_SECURITY_VERSION_CONTEXT) as string | undefined) ?? 'latest';

    new ApiObject(this, 'namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: props.name,
        labels: {
          ...props.labels,
          'pod-security.kubernetes.io/enforce': this.podSecurity,
          'pod-security.kubernetes.io/enforce-version': version,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': version,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': version,
        },
        ...(this.podSecurity !== 'restricted' || props.annotations
          ? {
              annotations: {
                ...props.annotations,
                ...(this.podSecurity !== 'restricted' ? { [POD_SECURITY_EXCEPTION_ANNOTATION]: props.podSecurityException!.trim() } : {}),
              },
            }
          : {}),
      },
    });

    new ApiObject(this, 'default-deny', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: props.name },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    if (props.allowDns ?? true) {
      new ApiObject(this, 'allow-dns', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-dns-egress', namespace: props.name },
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                },
              ],
              ports: [
                { protocol: 'UDP', port: 53 },
                { protocol: 'TCP', port: 53 },
              ],
            },
          ],
        },
      });
    }
  }
}
