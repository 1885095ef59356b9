import { accessRules } from './access-rules.js';
import {
  ARGOCD_APPLIER,
  ARGOCD_NAMESPACE,
  FLUX_PLATFORM_APPLIER,
  type GitOpsEngine,
  PLATFORM_NAMESPACES,
  serviceAccountUser,
  TENANT_IMAGES_ANNOTATION,
} from '@ck8s/core';
import type { AdmissionRule, CelNamedExpression } from './admission-rule.js';
import { celStringList } from './cel-literal.js';
import { exposureRules } from './exposure-rules.js';
import { monitoringRules } from './monitoring-rules.js';
import { POD_RESOURCES, POD_VARIABLES } from './pod-spec.js';

/**
 * The exact users whose requests the rules that guard what tenants may change let through, and
 * why: each one only ever acts for the platform. The applier is the cluster's GitOps engine's.
 */
export function platformUsers(engine: GitOpsEngine): readonly { readonly user: string; readonly reason: string }[] {
  const applier =
    engine === 'argocd'
      ? {
          user: serviceAccountUser(ARGOCD_NAMESPACE, ARGOCD_APPLIER),
          reason:
            "Argo CD's application-controller applies and prunes the platform's generated objects (tenants have no Applications: the project allows the platform's repository only)",
        }
      : {
          user: serviceAccountUser(PLATFORM_NAMESPACES.flux, FLUX_PLATFORM_APPLIER),
          reason:
            "Flux applies and prunes the platform's generated objects (the layers name this account; tenants' Flux objects cannot, under the lockdown)",
        };
  return [applier, { user: serviceAccountUser('kube-system', 'namespace-controller'), reason: 'removes a pruned namespace with everything in it' }];
}

/** Requests made by the platform itself (platformUsers, no one else) are exempt from the rules that guard what tenants may change. */
export function notPlatform(engine: GitOpsEngine): CelNamedExpression {
  return {
    name: 'not-platform',
    expression: `!(request.userInfo.username in ${celStringList(platformUsers(engine).map((p) => p.user))})`,
  };
}

/** Regular and init containers: the ones that can declare resources (ephemeral containers cannot). */
const WORKLOAD_CONTAINERS: CelNamedExpression = {
  name: 'workloadContainers',
  expression: 'variables.podSpec.containers + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])',
};

const HAS_RESOURCES =
  "has(c.resources) && has(c.resources.requests) && 'cpu' in c.resources.requests && 'memory' in c.resources.requests && has(c.resources.limits) && 'memory' in c.resources.limits";

/** An image is pinned when it has a digest, or a tag that is not `latest`; the tag follows the last ':' of the last path segment. */
const PINNED_IMAGE =
  "c.image.contains('@sha256:') || (c.image.split('/')[size(c.image.split('/')) - 1].contains(':') && !c.image.endsWith(':latest'))";

/** From an allowed registry, or exactly one of the images the platform's operators start in the namespace. */
const ALLOWED_IMAGE = 'variables.registries.exists(r, c.image.startsWith(r)) || c.image in variables.serviceImages';

export interface PlatformRulesProps {
  /** Registries (host, optionally with a port and path) tenant images may come from; an empty list admits no image. */
  readonly allowedRegistries: readonly string[];
  /** The cluster's GitOps engine, whose applier the rules guarding the platform's objects let through. @default 'flux' */
  readonly engine?: GitOpsEngine;
}

/** The platform's own admission rules, on top of the Pod Security Standards. */
export function platformRules(props: PlatformRulesProps): AdmissionRule[] {
  const registries = celStringList(props.allowedRegistries.map((r) => `${r.replace(/\/$/, '')}/`));
  return [
    {
      id: 'no-default-namespace',
      title: 'no workloads in the default namespace',
      scope: 'default-namespace',
      match: POD_RESOURCES,
      variables: [],
      validations: [
        {
          expression: 'false',
          message: 'workloads are not allowed in the default namespace; deploy to a tenant namespace (rule no-default-namespace)',
        },
      ],
    },
    {
      id: 'resource-requirements',
      title: 'CPU and memory requests and a memory limit on every container',
      scope: 'tenants',
      match: POD_RESOURCES,
      variables: [...POD_VARIABLES, WORKLOAD_CONTAINERS],
      validations: [
        {
          expression: `variables.workloadContainers.all(c, ${HAS_RESOURCES})`,
          message: 'every container needs cpu and memory requests and a memory limit (rule resource-requirements)',
          messageExpression: `'every container needs cpu and memory requests and a memory limit (rule resource-requirements): ' + variables.workloadContainers.filter(c, !(${HAS_RESOURCES})).map(c, c.name).join(', ')`,
        },
      ],
    },
    {
      id: 'allowed-registries',
      title: 'images only from the allowed registries',
      scope: 'tenants',
      match: POD_RESOURCES,
      variables: [
        ...POD_VARIABLES,
        { name: 'registries', expression: registries },
        // the exact images the platform's operators start here for the tenant's data services (written by the platform on the namespace)
        {
          name: 'serviceImages',
          expression: `has(namespaceObject.metadata.annotations) && '${TENANT_IMAGES_ANNOTATION}' in namespaceObject.metadata.annotations ? namespaceObject.metadata.annotations['${TENANT_IMAGES_ANNOTATION}'].split(',') : []`,
        },
      ],
      validations: [
        {
          expression: `variables.containers.all(c, ${ALLOWED_IMAGE})`,
          message: `images must come from an allowed registry: ${props.allowedRegistries.join(', ') || 'none configured'} (rule allowed-registries)`,
          messageExpression: `'images must come from an allowed registry (rule allowed-registries): ' + variables.containers.filter(c, !(${ALLOWED_IMAGE})).map(c, c.name + ' uses ' + c.image).join(', ')`,
        },
      ],
    },
    {
      id: 'image-tag',
      title: 'no latest and no untagged images',
      scope: 'tenants',
      match: POD_RESOURCES,
      variables: [...POD_VARIABLES],
      validations: [
        {
          expression: `variables.containers.all(c, ${PINNED_IMAGE})`,
          message: 'images must have a tag other than latest, or a digest (rule image-tag)',
          messageExpression: `'images must have a tag other than latest, or a digest (rule image-tag): ' + variables.containers.filter(c, !(${PINNED_IMAGE})).map(c, c.name + ' uses ' + c.image).join(', ')`,
        },
      ],
    },
    {
      id: 'service-load-balancer',
      title: 'no Services of type LoadBalancer unless the tenant allows them',
      scope: 'tenants',
      match: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['services'], operations: ['CREATE', 'UPDATE'] }],
      variables: [],
      validations: [
        {
          expression: "!has(object.spec.type) || object.spec.type != 'LoadBalancer'",
          message:
            'Services of type LoadBalancer are not allowed in this namespace; set allowLoadBalancer for the tenant (rule service-load-balancer)',
        },
      ],
    },
    {
      id: 'service-node-port',
      title: 'no Services of type NodePort unless the tenant allows them',
      scope: 'tenants',
      match: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['services'], operations: ['CREATE', 'UPDATE'] }],
      variables: [],
      validations: [
        {
          expression: "!has(object.spec.type) || object.spec.type != 'NodePort'",
          message: 'Services of type NodePort are not allowed in this namespace; set allowNodePort for the tenant (rule service-node-port)',
        },
      ],
    },
    {
      id: 'protect-default-deny',
      title: "tenants cannot delete or weaken their namespace's default-deny NetworkPolicy",
      scope: 'tenants',
      match: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['networkpolicies'], operations: ['UPDATE', 'DELETE'] }],
      matchConditions: [notPlatform(props.engine ?? 'flux')],
      variables: [],
      validations: [
        {
          expression: "oldObject.metadata.name != 'default-deny' || (request.operation == 'UPDATE' && object.spec == oldObject.spec)",
          message: 'the default-deny NetworkPolicy is managed by the platform and cannot be deleted or changed (rule protect-default-deny)',
        },
      ],
    },
    {
      id: 'network-policy-peers',
      title: 'tenant NetworkPolicies only open flows between pods of their own namespace',
      scope: 'tenants',
      match: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['networkpolicies'], operations: ['CREATE', 'UPDATE'] }],
      matchConditions: [notPlatform(props.engine ?? 'flux')],
      variables: [
        {
          name: 'peers',
          expression:
            '(has(object.spec.ingress) ? object.spec.ingress.filter(r, has(r.from)).map(r, r.from) : []) + (has(object.spec.egress) ? object.spec.egress.filter(r, has(r.to)).map(r, r.to) : [])',
        },
      ],
      validations: [
        {
          expression: 'variables.peers.all(list, list.all(p, !has(p.ipBlock) && !has(p.namespaceSelector)))',
          message:
            'NetworkPolicies in tenant namespaces may only name pods of the same namespace (no namespaceSelector or ipBlock); ask the platform team for cross-namespace or external flows (rule network-policy-peers)',
        },
        {
          expression:
            '(!has(object.spec.ingress) || object.spec.ingress.all(r, has(r.from))) && (!has(object.spec.egress) || object.spec.egress.all(r, has(r.to)))',
          message: 'a rule without from/to opens the namespace to everything; name the peer pods (rule network-policy-peers)',
        },
      ],
    },
    {
      id: 'no-cluster-admin-binding',
      title: 'tenants cannot bind cluster-admin',
      scope: 'tenants',
      match: [{ apiGroups: ['rbac.authorization.k8s.io'], apiVersions: ['v1'], resources: ['rolebindings'], operations: ['CREATE', 'UPDATE'] }],
      variables: [],
      validations: [
        {
          expression: "object.roleRef.name != 'cluster-admin'",
          message: 'binding cluster-admin in a tenant namespace is not allowed (rule no-cluster-admin-binding)',
        },
      ],
    },
    ...accessRules({ notPlatform: notPlatform(props.engine ?? 'flux'), engine: props.engine ?? 'flux' }),
    ...exposureRules(),
    ...monitoringRules(),
  ];
}

/** Registry host of an image, as the catalog names it: the first path segment when it is a host (has a dot or a port, or is localhost), else docker.io. */
const IMAGE_REGISTRY =
  "c.image.split('/').size() > 1 && (c.image.split('/')[0].contains('.') || c.image.split('/')[0].contains(':') || c.image.split('/')[0] == 'localhost') ? c.image.split('/')[0] : 'docker.io'";

/**
 * The registry allow-list of the platform's own namespaces: in each one, images only from the
 * registries given for it (the catalog's `registries` of the charts installed there, and of what
 * they start at run time). A namespace not in the map admits no image. Bound to the platform's
 * namespaces only (AdmissionPolicies.holdPlatform); tenants have `allowed-registries`.
 */
export function platformRegistriesRule(registries: ReadonlyMap<string, readonly string[]>): AdmissionRule {
  const entries = [...registries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // celStringList checks that each value can be embedded; a one-element list without its brackets is the quoted key
  const map = `{${entries.map(([namespace, list]) => `${celStringList([namespace]).slice(1, -1)}: ${celStringList([...new Set(list)].sort())}`).join(', ')}}`;
  return {
    id: 'platform-registries',
    title: "images in the platform's namespaces only from the registries of the charts installed there",
    scope: 'tenants',
    match: POD_RESOURCES,
    variables: [
      ...POD_VARIABLES,
      { name: 'allowed', expression: map },
      { name: 'registries', expression: 'request.namespace in variables.allowed ? variables.allowed[request.namespace] : []' },
    ],
    validations: [
      {
        expression: `variables.containers.all(c, (${IMAGE_REGISTRY}) in variables.registries)`,
        message: 'images must come from the registries charts/catalog.yaml declares for the charts of this namespace (rule platform-registries)',
        messageExpression: `'images must come from the registries charts/catalog.yaml declares for the charts of this namespace: ' + variables.registries.join(', ') + ' (rule platform-registries): ' + variables.containers.filter(c, !((${IMAGE_REGISTRY}) in variables.registries)).map(c, c.name + ' uses ' + c.image).join(', ')`,
      },
    ],
  };
}
