import type { ComponentAlertGroup } from '@ck8s/core';

/** The API server's ValidatingAdmissionPolicy checks per `policy`, `policy_binding`, `error_type` and `enforcement_action` (deny, warn, audit); k8s.io/apiserver 0.36. */
export const ADMISSION_POLICY_CHECKS = 'apiserver_validating_admission_policy_check_total';

/** Denials in 10 minutes below which no spike is reported: a tenant's one bad apply is not an incident. */
export const ADMISSION_DENIAL_FLOOR = 10;
/** How many times its daily average rate a policy's denial rate must reach to count as a spike. */
export const ADMISSION_DENIAL_SPIKE = 3;

const denials = `${ADMISSION_POLICY_CHECKS}{enforcement_action="deny"}`;

/** The admission policies' alerts: a burst of denials is a broken rollout, a misconfigured rule or someone probing. */
export const ADMISSION_ALERTS: ComponentAlertGroup = {
  name: 'admission',
  alerts: [
    {
      alert: 'AdmissionDenialsSpiking',
      severity: 'warning',
      expr: `sum by (cluster, policy) (increase(${denials}[10m])) > ${ADMISSION_DENIAL_FLOOR} and sum by (cluster, policy) (rate(${denials}[10m])) > ${ADMISSION_DENIAL_SPIKE} * sum by (cluster, policy) (rate(${denials}[1d]))`,
      summary: 'An admission policy denies far more requests than usual',
      description: `Policy {{ $labels.policy }} in cluster {{ $labels.cluster }} denied {{ $value }} requests in the last 10 minutes, over ${ADMISSION_DENIAL_SPIKE} times its rate of the last day. Find who is denied in the API server's audit log (index audit, annotation validation.policy.admission.k8s.io/validation_failure) and whether a release or a rule changed.`,
      metrics: { [ADMISSION_POLICY_CHECKS]: 'apiserver' },
    },
  ],
};
