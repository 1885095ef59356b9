import { AUDIT_CONTROLS } from './audit-controls.js';
import type { Control, ControlContext, ControlResult } from './control.js';
import { NETWORK_CONTROLS } from './network-controls.js';
import { POD_SECURITY_CONTROLS } from './pod-security-controls.js';
import { RBAC_CONTROLS } from './rbac-controls.js';

/** Every platform invariant, in report order. */
export const CONTROLS: readonly Control[] = [...NETWORK_CONTROLS, ...POD_SECURITY_CONTROLS, ...RBAC_CONTROLS, ...AUDIT_CONTROLS];

/** Evaluates every control on one cluster's output. */
export function evaluateControls(context: ControlContext, controls: readonly Control[] = CONTROLS): ControlResult[] {
  return controls.map((control) => {
    const outcome = control.evaluate(context);
    return {
      id: control.id,
      title: control.title,
      cis: control.cis,
      nsa: control.nsa,
      kubescape: control.kubescape,
      status: outcome.findings.length > 0 ? 'fail' : (outcome.weakened ?? []).length > 0 ? 'weakened' : 'pass',
      findings: outcome.findings,
      objects: outcome.objects,
      exceptions: outcome.exceptions ?? [],
      weakened: outcome.weakened ?? [],
    };
  });
}
