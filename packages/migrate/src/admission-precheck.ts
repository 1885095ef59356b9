import { type AdmissionRule, evaluateManifests, type RuleException } from '@ck8s/policy';
import { containersOf, type InputObject, isRecord, list, POD_SPEC_PATHS, podSpecOf, record, str } from './input-objects.js';
import type { AdmissionFinding, AdmissionFix } from './scan-model.js';

/** The target cluster's admission: its rules, exceptions and allowed registries. */
export interface AdmissionTarget {
  readonly rules: readonly AdmissionRule[];
  readonly exceptions: readonly RuleException[];
  /** Where `--fix` moves images; the first is used. */
  readonly allowedRegistries: readonly string[];
  /** Evaluate every object in this namespace (where it will be deployed). @default each object's own */
  readonly namespace?: string;
  /** The target's tenant Namespace objects by name, for rules that read a namespace's labels. @default none */
  readonly namespaces?: ReadonlyMap<string, unknown>;
}

/** A JSON patch operation (RFC 6902), for fields a strategic merge cannot remove. */
export interface JsonPatchOperation {
  readonly op: 'replace' | 'remove' | 'add';
  readonly path: string;
  readonly value?: unknown;
}

/** The kustomize patch for one object: a strategic merge patch, or JSON patch operations with a target. */
export interface FixPatch {
  readonly object: string;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
  /** File name under `patches/`. */
  readonly file: string;
  readonly strategicMerge?: Record<string, unknown>;
  readonly jsonPatch?: readonly JsonPatchOperation[];
}

export interface AdmissionPrecheck {
  readonly findings: AdmissionFinding[];
  readonly patches: FixPatch[];
}

/** Kinds the admission rules match; other kinds are evaluated too but only reported when denied. */
const REPORTED_KINDS = new Set([...Object.keys(POD_SPEC_PATHS), 'Service', 'NetworkPolicy', 'RoleBinding', 'ClusterRoleBinding']);
/** The user id `--fix` gives a container that ran as root; the image's files must allow it. */
export const NON_ROOT_UID = 10001;
/** Requests and limit `--fix` sets where a container declares none: a starting point, to be measured. */
export const DEFAULT_RESOURCES = { cpu: '100m', memory: '128Mi', memoryLimit: '256Mi' } as const;

/** Collects what one object's patch sets: pod-level fields and per-container fields. */
class PodPatch {
  readonly pod: Record<string, unknown> = {};

  /** @param order the containers' `field/name` in the pod spec's order, which a strategic merge keeps only if the patch lists them so */
  constructor(private readonly order: readonly string[]) {}

  private readonly containers = new Map<string, { field: string; patch: Record<string, unknown> }>();

  container(field: string, name: string): Record<string, unknown> {
    let entry = this.containers.get(`${field}/${name}`);
    if (!entry) this.containers.set(`${field}/${name}`, (entry = { field, patch: {} }));
    return entry.patch;
  }

  containerSecurity(field: string, name: string): Record<string, unknown> {
    const c = this.container(field, name);
    return (c['securityContext'] ??= {}) as Record<string, unknown>;
  }

  podSecurity(): Record<string, unknown> {
    return (this.pod['securityContext'] ??= {}) as Record<string, unknown>;
  }

  empty(): boolean {
    return Object.keys(this.pod).length === 0 && this.containers.size === 0;
  }

  /** The pod spec part of the patch; containers by name, so a strategic merge patches each one. */
  spec(): Record<string, unknown> {
    const spec: Record<string, unknown> = { ...this.pod };
    for (const [key, { field, patch }] of [...this.containers.entries()].sort((a, b) => this.order.indexOf(a[0]) - this.order.indexOf(b[0]))) {
      const name = key.slice(field.length + 1);
      ((spec[field] ??= []) as unknown[]).push({ name, ...patch });
    }
    return spec;
  }
}

function names(items: readonly { container: Record<string, unknown> }[]): string {
  return items.map((c) => str(c.container['name']) ?? '').join(', ');
}

function securityOf(value: Record<string, unknown>): Record<string, unknown> {
  return record(value['securityContext']);
}

/** The image reference in the target registry: the tenant project (the namespace) and the image's last path segment. */
export function targetImage(image: string, registry: string, namespace: string): string {
  const withoutHost = image.includes('/') && /[.:]|^localhost$/.test(image.split('/')[0] ?? '') ? image.split('/').slice(1).join('/') : image;
  const last = withoutHost.split('/').pop() ?? withoutHost;
  const base = registry.replace(/\/$/, '');
  return base.includes('/') ? `${base}/${last}` : `${base}/${namespace}/${last}`;
}

/** The fix for one violated rule, applied to the object's patch when it can be automatic. */
function podFix(rule: string, object: InputObject, spec: Record<string, unknown>, patch: PodPatch, target: AdmissionTarget): AdmissionFix {
  const policy = `ck8s-${rule}`;
  const containers = containersOf(spec);
  const podSc = securityOf(spec);
  const fix = (description: string, automatic = true): AdmissionFix => ({ policy, description, automatic });
  switch (rule) {
    case 'pss-allow-privilege-escalation': {
      const needs = containers.filter((c) => securityOf(c.container)['allowPrivilegeEscalation'] !== false);
      for (const c of needs) patch.containerSecurity(c.field, str(c.container['name']) ?? '')['allowPrivilegeEscalation'] = false;
      return fix(`set securityContext.allowPrivilegeEscalation: false on container(s) ${names(needs)}`);
    }
    case 'pss-capabilities-restricted':
    case 'pss-capabilities-baseline': {
      const needs = containers.filter((c) => {
        const caps = record(securityOf(c.container)['capabilities']);
        return !list(caps['drop']).includes('ALL') || list(caps['add']).some((a) => a !== 'NET_BIND_SERVICE');
      });
      for (const c of needs) {
        const add = list(record(securityOf(c.container)['capabilities'])['add']);
        patch.containerSecurity(c.field, str(c.container['name']) ?? '')['capabilities'] = {
          drop: ['ALL'],
          ...(add.length > 0 ? { add: add.filter((a) => a === 'NET_BIND_SERVICE') } : {}),
        };
      }
      return fix(`set securityContext.capabilities.drop: [ALL] (and add at most NET_BIND_SERVICE) on container(s) ${names(needs)}`);
    }
    case 'pss-privileged': {
      const needs = containers.filter((c) => securityOf(c.container)['privileged'] === true);
      for (const c of needs) patch.containerSecurity(c.field, str(c.container['name']) ?? '')['privileged'] = false;
      return fix(`set securityContext.privileged: false on container(s) ${names(needs)}`);
    }
    case 'pss-run-as-non-root': {
      if (podSc['runAsNonRoot'] !== true) patch.podSecurity()['runAsNonRoot'] = true;
      const needs = containers.filter((c) => securityOf(c.container)['runAsNonRoot'] === false);
      for (const c of needs) patch.containerSecurity(c.field, str(c.container['name']) ?? '')['runAsNonRoot'] = true;
      return fix(
        `set the pod's securityContext.runAsNonRoot: true${needs.length > 0 ? ` and on container(s) ${names(needs)}` : ''}; the image must run as a non-root USER (or set runAsUser)`,
      );
    }
    case 'pss-run-as-user': {
      if (podSc['runAsUser'] === 0) patch.podSecurity()['runAsUser'] = NON_ROOT_UID;
      const needs = containers.filter((c) => securityOf(c.container)['runAsUser'] === 0);
      for (const c of needs) patch.containerSecurity(c.field, str(c.container['name']) ?? '')['runAsUser'] = NON_ROOT_UID;
      return fix(
        `run as user ${NON_ROOT_UID} instead of root (0)${needs.length > 0 ? ` in container(s) ${names(needs)}` : ' in the pod'}; the files the image writes must allow that user`,
      );
    }
    case 'pss-seccomp-restricted':
    case 'pss-seccomp-baseline': {
      const allowed = (sc: Record<string, unknown>) => ['RuntimeDefault', 'Localhost'].includes(str(record(sc['seccompProfile'])['type']) ?? '');
      if (!allowed(podSc) && (rule === 'pss-seccomp-restricted' || str(record(podSc['seccompProfile'])['type']) === 'Unconfined'))
        patch.podSecurity()['seccompProfile'] = { type: 'RuntimeDefault' };
      const needs = containers.filter((c) => str(record(securityOf(c.container)['seccompProfile'])['type']) === 'Unconfined');
      for (const c of needs) patch.containerSecurity(c.field, str(c.container['name']) ?? '')['seccompProfile'] = { type: 'RuntimeDefault' };
      return fix(
        `set the pod's securityContext.seccompProfile.type: RuntimeDefault${needs.length > 0 ? ` and replace Unconfined in container(s) ${names(needs)}` : ''}`,
      );
    }
    case 'pss-host-namespaces': {
      for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[field] === true) patch.pod[field] = false;
      return fix('set hostNetwork, hostPID and hostIPC to false (reach other pods through Services)');
    }
    case 'pss-proc-mount':
    case 'pss-proc-mount-restricted': {
      const needs = containers.filter((c) => (str(securityOf(c.container)['procMount']) ?? 'Default') !== 'Default');
      for (const c of needs) patch.containerSecurity(c.field, str(c.container['name']) ?? '')['procMount'] = 'Default';
      return fix(`set securityContext.procMount: Default on container(s) ${names(needs)}`);
    }
    case 'resource-requirements': {
      const needs = containers.filter((c) => {
        const requests = record(record(c.container['resources'])['requests']);
        const limits = record(record(c.container['resources'])['limits']);
        return !('cpu' in requests) || !('memory' in requests) || !('memory' in limits);
      });
      const set: string[] = [];
      for (const c of needs) {
        const requests = record(record(c.container['resources'])['requests']);
        const limits = record(record(c.container['resources'])['limits']);
        // quantities are strings or numbers in a manifest
        const quantity = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
        const cpu = quantity(requests['cpu']) ?? quantity(limits['cpu']) ?? DEFAULT_RESOURCES.cpu;
        const memory = quantity(requests['memory']) ?? quantity(limits['memory']) ?? DEFAULT_RESOURCES.memory;
        const memoryLimit = quantity(limits['memory']) ?? quantity(requests['memory']) ?? DEFAULT_RESOURCES.memoryLimit;
        patch.container(c.field, str(c.container['name']) ?? '')['resources'] = { requests: { cpu, memory }, limits: { memory: memoryLimit } };
        set.push(`${str(c.container['name']) ?? ''} (requests cpu ${cpu}, memory ${memory}; limit memory ${memoryLimit})`);
      }
      return fix(
        `declare requests and a memory limit: ${set.join(', ')}; measured values from the running pods are better than these starting points`,
      );
    }
    case 'allowed-registries': {
      const registry = target.allowedRegistries[0];
      if (!registry) return fix('the target admits no registry; set policy.allowedRegistries in its cluster.yaml', false);
      const namespace = target.namespace ?? object.namespace ?? 'default';
      const allowed = (image: string) => target.allowedRegistries.some((r) => image.startsWith(`${r.replace(/\/$/, '')}/`));
      const moves: string[] = [];
      for (const c of containers) {
        const image = str(c.container['image']) ?? '';
        if (allowed(image)) continue;
        const next = targetImage(image, registry, namespace);
        patch.container(c.field, str(c.container['name']) ?? '')['image'] = next;
        moves.push(`${image} → ${next}`);
      }
      return fix(`push the image(s) to the platform registry and use them from there (e.g. \`crane copy SOURCE TARGET\`): ${moves.join(', ')}`);
    }
    case 'image-tag':
      return fix(
        `pin every image to a version tag or a digest (no :latest, no untagged image): ${containers
          .map((c) => str(c.container['image']) ?? '')
          .filter((i) => !/@sha256:|:[^/:]+$/.test(i) || i.endsWith(':latest'))
          .join(', ')}`,
        false,
      );
    case 'no-default-namespace':
      return fix("deploy into a tenant namespace (kustomize `namespace:`, or helm --namespace) and add it to the target's tenants", false);
    case 'pss-host-path-volumes':
    case 'pss-restricted-volumes':
      return fix(
        `replace the volumes the level forbids (hostPath and other node or cloud volumes) with persistentVolumeClaim, configMap, secret, emptyDir, projected or ephemeral volumes: ${list(
          spec['volumes'],
        )
          .map((v) => str(record(v)['name']) ?? '')
          .join(', ')}`,
        false,
      );
    case 'pss-host-ports':
      return fix('remove hostPort from the container ports; expose the pods through a Service', false);
    default:
      return fix('change the object as the policy message says', false);
  }
}

/** Service fixes: a ClusterIP Service, without the fields only load balancers and node ports have. */
function serviceFix(rule: string, object: InputObject, operations: JsonPatchOperation[]): AdmissionFix {
  const spec = record(object.raw['spec']);
  if (!operations.some((o) => o.path === '/spec/type')) {
    operations.push({ op: 'replace', path: '/spec/type', value: 'ClusterIP' });
    for (const field of [
      'externalTrafficPolicy',
      'loadBalancerIP',
      'loadBalancerSourceRanges',
      'loadBalancerClass',
      'allocateLoadBalancerNodePorts',
      'healthCheckNodePort',
      'externalIPs',
    ]) {
      if (field in spec) operations.push({ op: 'remove', path: `/spec/${field}` });
    }
    list(spec['ports']).forEach((port, index) => {
      if (isRecord(port) && 'nodePort' in port) operations.push({ op: 'remove', path: `/spec/ports/${index}/nodePort` });
    });
  }
  const exception = rule === 'service-load-balancer' ? 'allowLoadBalancer' : 'allowNodePort';
  return {
    policy: `ck8s-${rule}`,
    description: `make the Service ClusterIP and expose HTTP through an Ingress of class nginx (the platform ingress); if it must stay ${rule === 'service-load-balancer' ? 'a LoadBalancer' : 'a NodePort'}, set tenants[].${exception}: true for the namespace, an explicit exception`,
    automatic: true,
  };
}

/** Ingress hosts are the tenant's to claim in the target's cluster.yaml (the tenant stub lists them), not a manifest change. */
function ingressHostsFix(object: InputObject): AdmissionFix {
  const spec = record(object.raw['spec']);
  const hosts = [
    ...new Set(
      list(spec['rules'])
        .map((r) => str(record(r)['host']))
        .filter((h): h is string => !!h),
    ),
  ].sort();
  const catchAll = 'defaultBackend' in spec || list(spec['rules']).some((r) => !str(record(r)['host']));
  return {
    policy: 'ck8s-ingress-hosts',
    description: `${hosts.length > 0 ? `add ${hosts.join(', ')} to tenants[].hosts of the namespace in the target's cluster.yaml (the tenant stub lists them) and point the DNS names at the platform ingress` : ''}${catchAll ? `${hosts.length > 0 ? '; ' : ''}give every rule a host and drop spec.defaultBackend` : ''}`,
    automatic: false,
  };
}

function patchFile(object: InputObject): string {
  return `${[object.kind.toLowerCase(), object.namespace, object.name].filter(Boolean).join('-')}.yaml`;
}

function nest(path: readonly string[], value: Record<string, unknown>): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), value);
}

/**
 * Evaluates the input against the target's admission rules with the project's policy evaluator
 * (the same CEL as `ck8s policy eval` and the cluster) and derives, for every denial, the concrete
 * fix and, where it needs no decision, the kustomize patch that applies it.
 */
export function admissionPrecheck(objects: readonly InputObject[], target: AdmissionTarget): AdmissionPrecheck {
  const evaluated = objects.filter((o) => !(o.kind === 'Secret' && o.apiVersion === 'v1'));
  const results = evaluateManifests(
    target.rules,
    evaluated.map((o) => ({ file: o.file, object: o.raw })),
    {
      exceptions: target.exceptions,
      ...(target.namespace ? { namespace: target.namespace } : {}),
      ...(target.namespaces ? { namespaces: target.namespaces } : {}),
    },
  );
  const findings: AdmissionFinding[] = [];
  const patches: FixPatch[] = [];
  results.forEach((result, index) => {
    const object = evaluated[index]!;
    if (result.allowed && !REPORTED_KINDS.has(object.kind)) return;
    const rules = [...new Set(result.violations.map((v) => v.policy.replace(/^ck8s-/, '')))];
    const fixes: AdmissionFix[] = [];
    const spec = podSpecOf(object);
    const ref = { object: object.label, kind: object.kind, namespace: object.namespace, name: object.name, file: patchFile(object) };
    if (spec) {
      const patch = new PodPatch(containersOf(spec).map((c) => `${c.field}/${str(c.container['name']) ?? ''}`));
      for (const rule of rules) fixes.push(podFix(rule, object, spec, patch, target));
      if (!patch.empty()) {
        const metadata = { name: object.name, ...(object.namespace ? { namespace: object.namespace } : {}) };
        patches.push({
          ...ref,
          strategicMerge: { apiVersion: object.apiVersion, kind: object.kind, metadata, ...nest(POD_SPEC_PATHS[object.kind]!, patch.spec()) },
        });
      }
    } else if (object.kind === 'Service') {
      const operations: JsonPatchOperation[] = [];
      for (const rule of rules) {
        fixes.push(
          rule === 'service-load-balancer' || rule === 'service-node-port'
            ? serviceFix(rule, object, operations)
            : { policy: `ck8s-${rule}`, description: 'change the object as the policy message says', automatic: false },
        );
      }
      if (operations.length > 0) patches.push({ ...ref, jsonPatch: operations });
    } else {
      for (const rule of rules)
        fixes.push(
          rule === 'ingress-hosts'
            ? ingressHostsFix(object)
            : { policy: `ck8s-${rule}`, description: 'change the object as the policy message says', automatic: false },
        );
    }
    findings.push({
      object: object.label,
      file: object.file,
      kind: object.kind,
      namespace: result.namespace,
      name: object.name,
      allowed: result.allowed,
      violations: result.violations,
      fixes,
    });
  });
  return { findings, patches };
}
