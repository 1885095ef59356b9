import { ARGOCD_TRACKING_ANNOTATION, type GitOpsEngine, LABELS, MANAGED_BY } from '@ck8s/core';
import type { AdmissionRule, CelNamedExpression } from './admission-rule.js';

/**
 * Subjects a tenant may not bind in its namespace: Kubernetes' own groups (`system:authenticated`,
 * `system:unauthenticated`, `system:serviceaccounts`, `system:serviceaccounts:<ns>`, `system:nodes`,
 * ...), its own users (`system:anonymous`, `system:kube-proxy`, ...) and the service accounts of
 * other namespaces, by subject or by user name. Identity-provider groups and users are prefixed
 * (`oidc:`), so they never start with `system:`.
 */
const FORBIDDEN_SUBJECT =
  "(s.kind == 'Group' && s.name.startsWith('system:')) || " +
  "(s.kind == 'User' && s.name.startsWith('system:') && !s.name.startsWith('system:serviceaccount:' + request.namespace + ':')) || " +
  "(s.kind == 'ServiceAccount' && has(s.namespace) && s.namespace != '' && s.namespace != request.namespace)";

/**
 * What marks an object as the platform's: a `platform.ck8s.io/` label or annotation, the
 * platform's managed-by label, or what the GitOps engine puts on everything the platform's layers
 * apply, which also covers the sops Secrets copied verbatim into a layer: the label of Flux's
 * Kustomizations in flux-system, or Argo CD's tracking annotation (only the platform has Applications).
 */
function platformMarked(o: string, engine: GitOpsEngine): string {
  const labels = [
    `${o}.metadata.labels.exists(k, k.startsWith('platform.ck8s.io/'))`,
    `('${LABELS.managedBy}' in ${o}.metadata.labels && ${o}.metadata.labels['${LABELS.managedBy}'] == '${MANAGED_BY}')`,
    ...(engine === 'flux'
      ? [
          `('kustomize.toolkit.fluxcd.io/namespace' in ${o}.metadata.labels && ${o}.metadata.labels['kustomize.toolkit.fluxcd.io/namespace'] == 'flux-system')`,
        ]
      : []),
  ];
  const annotations = [
    `${o}.metadata.annotations.exists(k, k.startsWith('platform.ck8s.io/'))`,
    ...(engine === 'argocd' ? [`'${ARGOCD_TRACKING_ANNOTATION}' in ${o}.metadata.annotations`] : []),
  ];
  const any = (terms: string[]) => (terms.length === 1 ? terms[0]! : `(${terms.join(' || ')})`);
  return `(has(${o}.metadata.labels) && ${any(labels)}) || (has(${o}.metadata.annotations) && ${any(annotations)})`;
}

/** How an engine marks what the platform's layers apply, for the rule's message. */
const ENGINE_MARK: Record<GitOpsEngine, string> = {
  flux: 'kustomize.toolkit.fluxcd.io/namespace=flux-system',
  argocd: ARGOCD_TRACKING_ANNOTATION,
};

/**
 * Namespaced objects other than the Namespace itself. A binding's namespaceSelector never skips
 * cluster-scoped objects, so a rule on every resource must leave them out itself; tenants cannot
 * write them anyway (RBAC), and the platform keeps its own there. The API server leaves the
 * namespace out of a cluster-scoped request, so it is tested with has() (reading it would fail,
 * and a failing match condition denies).
 */
const NAMESPACED_ONLY: CelNamedExpression = {
  name: 'namespaced',
  expression: "has(request.namespace) && request.namespace != '' && request.resource.resource != 'namespaces'",
};

export interface AccessRulesProps {
  /** Requests of the platform itself, which the guard of its objects lets through. */
  readonly notPlatform: CelNamedExpression;
  /** The cluster's GitOps engine, whose mark on what it applies makes an object the platform's. @default 'flux' */
  readonly engine?: GitOpsEngine;
}

/** Rules that keep a tenant's access inside its namespace and the platform's objects out of its reach. */
export function accessRules(props: AccessRulesProps): AdmissionRule[] {
  const engine = props.engine ?? 'flux';
  return [
    {
      id: 'binding-subjects',
      title: 'tenant RoleBindings bind no Kubernetes system group or user and no service account of another namespace',
      scope: 'tenants',
      match: [{ apiGroups: ['rbac.authorization.k8s.io'], apiVersions: ['v1'], resources: ['rolebindings'], operations: ['CREATE', 'UPDATE'] }],
      variables: [{ name: 'forbiddenSubjects', expression: `has(object.subjects) ? object.subjects.filter(s, ${FORBIDDEN_SUBJECT}) : []` }],
      validations: [
        {
          expression: 'size(variables.forbiddenSubjects) == 0',
          message:
            "RoleBindings in tenant namespaces may bind identity-provider groups and users and this namespace's service accounts only, no system: group or user and no service account of another namespace (rule binding-subjects)",
          messageExpression:
            "'RoleBindings in tenant namespaces may bind identity-provider groups and users and this namespace\\'s service accounts only (rule binding-subjects): ' + variables.forbiddenSubjects.map(s, s.kind + ' ' + (s.kind == 'ServiceAccount' && has(s.namespace) ? s.namespace + '/' : '') + s.name).join(', ')",
        },
      ],
    },
    {
      id: 'protect-platform-objects',
      title: "tenants cannot change, relabel, annotate or delete the platform's objects in their namespace, nor mark their own as the platform's",
      scope: 'tenants',
      match: [{ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['CREATE', 'UPDATE', 'DELETE'] }],
      matchConditions: [props.notPlatform, NAMESPACED_ONLY],
      variables: [
        { name: 'oldMarked', expression: `request.operation != 'CREATE' && (${platformMarked('oldObject', engine)})` },
        { name: 'newMarked', expression: `request.operation != 'DELETE' && (${platformMarked('object', engine)})` },
      ],
      validations: [
        {
          expression: '!variables.oldMarked',
          message:
            'this object is managed by the platform: tenants cannot change, relabel, annotate or delete it; change it through cluster.yaml (rule protect-platform-objects)',
          messageExpression:
            "request.resource.resource + ' ' + request.namespace + '/' + request.name + ' is managed by the platform: tenants cannot change, relabel, annotate or delete it; change it through cluster.yaml (rule protect-platform-objects)'",
        },
        {
          expression: 'variables.oldMarked || !variables.newMarked',
          message: `the labels and annotations platform.ck8s.io/*, app.kubernetes.io/managed-by=ck8s and ${ENGINE_MARK[engine]} mark the platform's objects; tenants cannot set them (rule protect-platform-objects)`,
        },
      ],
    },
  ];
}
