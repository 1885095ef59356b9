import { Component } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { POSTURE_NAMESPACE } from './posture-scanner.js';

/** Name (and spec id) of the ClusterComplianceReport that scores MITRE ATT&CK for Containers. */
export const MITRE_ATTACK_SPEC = 'k8s-mitre-attack';

/** One ATT&CK technique and the Trivy checks whose failure leaves a path open to it. */
export interface AttackTechniqueControl {
  /** ATT&CK technique id, e.g. T1611. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Trivy check ids (AVD-KSV-nnnn) that trivy-operator's configuration and RBAC scanners run. */
  readonly checks: readonly string[];
  readonly severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
}

/**
 * The platform's mapping of ATT&CK for Containers techniques to the Trivy checks that guard them.
 * trivy-operator ships no MITRE spec (Kubescape does, but needs its own backend), so the mapping
 * is ours: each technique lists only checks that close a step of it, reviewed against the
 * technique's description on attack.mitre.org. Runtime detection of the same techniques is Falco's
 * (its rules carry ATT&CK tags); this report covers the configuration that makes them possible.
 */
export const ATTACK_TECHNIQUE_CONTROLS: readonly AttackTechniqueControl[] = [
  {
    id: 'T1611',
    name: 'Escape to Host',
    description: 'Privileged containers, host namespaces, host paths, added capabilities or root users give a container a way onto its node',
    checks: [
      'AVD-KSV-0001',
      'AVD-KSV-0003',
      'AVD-KSV-0008',
      'AVD-KSV-0009',
      'AVD-KSV-0010',
      'AVD-KSV-0012',
      'AVD-KSV-0017',
      'AVD-KSV-0022',
      'AVD-KSV-0023',
    ],
    severity: 'CRITICAL',
  },
  {
    id: 'T1610',
    name: 'Deploy Container',
    description: 'Roles that create or change workloads let an attacker start containers of their choice',
    checks: ['AVD-KSV-0048'],
    severity: 'HIGH',
  },
  {
    id: 'T1609',
    name: 'Container Administration Command',
    description: 'Roles that may exec or attach into pods let an attacker run commands in running containers',
    checks: ['AVD-KSV-0053', 'AVD-KSV-0054'],
    severity: 'HIGH',
  },
  {
    id: 'T1552.007',
    name: 'Unsecured Credentials: Container API',
    description: 'Roles that read or manage Secrets expose credentials through the Kubernetes API',
    checks: ['AVD-KSV-0041', 'AVD-KSV-0113'],
    severity: 'CRITICAL',
  },
  {
    id: 'T1098',
    name: 'Account Manipulation',
    description: 'Roles that manage RBAC or impersonate privileged groups let an attacker grant themselves more access',
    checks: ['AVD-KSV-0043', 'AVD-KSV-0050'],
    severity: 'CRITICAL',
  },
  {
    id: 'T1070',
    name: 'Indicator Removal',
    description: 'Roles that delete pod logs let an attacker erase evidence before it is shipped',
    checks: ['AVD-KSV-0042'],
    severity: 'MEDIUM',
  },
  {
    id: 'T1496',
    name: 'Resource Hijacking',
    description: 'Containers without CPU and memory limits can be used to mine or starve the node',
    checks: ['AVD-KSV-0011', 'AVD-KSV-0018'],
    severity: 'LOW',
  },
  {
    id: 'T1525',
    name: 'Implant Internal Image',
    description: "Mutable ':latest' tags let a replaced image run without a change in the manifests",
    checks: ['AVD-KSV-0013'],
    severity: 'MEDIUM',
  },
];

/**
 * A ClusterComplianceReport that makes trivy-operator score the cluster against MITRE ATT&CK for
 * Containers (ATTACK_TECHNIQUE_CONTROLS) on the same schedule and with the same per-control metrics
 * as its CIS and NSA reports, so results reach the service cluster through Prometheus alike.
 * In the platform layer: its CRD comes with the operator's chart in the controllers layer.
 */
export class MitreAttackCompliance extends Component {
  constructor(scope: Construct, id: string) {
    super(scope, id, { layer: 'platform' });
    new ApiObject(this, 'report', {
      apiVersion: 'aquasecurity.github.io/v1alpha1',
      kind: 'ClusterComplianceReport',
      metadata: { name: MITRE_ATTACK_SPEC, annotations: { 'ck8s.io/scanner-namespace': POSTURE_NAMESPACE } },
      spec: {
        cron: '0 */6 * * *',
        reportType: 'all',
        compliance: {
          id: MITRE_ATTACK_SPEC,
          platform: 'k8s',
          type: 'mitre-attack',
          title: 'MITRE ATT&CK for Containers: configuration that enables its techniques',
          description:
            'Techniques of the ATT&CK containers matrix and the Trivy configuration and RBAC checks that close them (mapping of the ck8s platform)',
          version: '1.0',
          relatedResources: ['https://attack.mitre.org/matrices/enterprise/containers/'],
          controls: ATTACK_TECHNIQUE_CONTROLS.map((c) => ({
            id: c.id,
            name: c.name,
            description: c.description,
            checks: c.checks.map((id) => ({ id })),
            severity: c.severity,
          })),
        },
      },
    });
  }
}
