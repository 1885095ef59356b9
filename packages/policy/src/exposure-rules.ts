import { TENANT_HOSTS_ANNOTATION } from '@ck8s/core';
import type { AdmissionRule, CelNamedExpression } from './admission-rule.js';

/** The namespace's allowed host patterns, from the annotation the platform writes on every tenant namespace. */
const ALLOWED_HOSTS: CelNamedExpression = {
  name: 'allowedHosts',
  expression: `has(namespaceObject.metadata.annotations) && '${TENANT_HOSTS_ANNOTATION}' in namespaceObject.metadata.annotations ? namespaceObject.metadata.annotations['${TENANT_HOSTS_ANNOTATION}'].split(',') : []`,
};

/** CEL that holds when host `h` is allowed: equal to a pattern, or below a `*.` pattern's suffix (as hostCovers in @ck8s/core). */
const ALLOWED = (h: string) => `variables.allowedHosts.exists(a, a == ${h} || (a.startsWith('*.') && ${h}.endsWith(a.substring(1))))`;

const ALLOWED_LIST = "(size(variables.allowedHosts) == 0 ? 'none' : variables.allowedHosts.join(', '))";

/**
 * Snippet annotations of the NGINX Ingress Controller (`nginx.org/server-snippets`,
 * `nginx.org/location-snippets`, and any later `nginx.org/` or `nginx.com/` one with "snippet" in
 * its name) and of ingress-nginx (`nginx.ingress.kubernetes.io/configuration-snippet`,
 * `-server-snippet`, `-auth-snippet`, `-stream-snippet`), which tenants migrating from it carry.
 * The controller runs with snippets off (controller.enableSnippets: false); the rule refuses them
 * at the API so the tenant learns at apply time instead of from an ignored annotation.
 */
const SNIPPET_ANNOTATIONS: CelNamedExpression = {
  name: 'snippetAnnotations',
  expression:
    "has(object.metadata.annotations) ? object.metadata.annotations.filter(k, (k.startsWith('nginx.org/') || k.startsWith('nginx.com/') || k.startsWith('nginx.ingress.kubernetes.io/')) && k.contains('snippet')) : []",
};

/** Rules that keep a tenant from exposing, intercepting or capturing traffic that is not its own. */
export function exposureRules(): AdmissionRule[] {
  const services = [{ apiGroups: [''], apiVersions: ['v1'], resources: ['services'], operations: ['CREATE', 'UPDATE'] }] as const;
  return [
    {
      id: 'service-external-ips',
      title: 'no Services with externalIPs (CVE-2020-8554: they intercept traffic to those addresses)',
      scope: 'tenants',
      match: services,
      variables: [],
      validations: [
        {
          expression: '!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0',
          message:
            'Services with externalIPs are not allowed: they would intercept cluster traffic to those addresses (CVE-2020-8554); use an Ingress (rule service-external-ips)',
        },
      ],
    },
    {
      id: 'service-external-name',
      title: 'no Services of type ExternalName (they turn the ingress controller and cluster DNS into a proxy to any host)',
      scope: 'tenants',
      match: services,
      variables: [],
      validations: [
        {
          expression: "!has(object.spec.type) || object.spec.type != 'ExternalName'",
          message:
            'Services of type ExternalName are not allowed in tenant namespaces: they would let the ingress controller and cluster DNS reach any host; ask the platform team for an egress rule instead (rule service-external-name)',
        },
      ],
    },
    {
      id: 'ingress-hosts',
      title: "tenant Ingresses serve only the tenant's own hosts (tenants[].hosts), never a catch-all",
      scope: 'tenants',
      match: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['ingresses'], operations: ['CREATE', 'UPDATE'] }],
      variables: [ALLOWED_HOSTS],
      validations: [
        {
          expression: '!has(object.spec.defaultBackend)',
          message:
            'a tenant Ingress may not set spec.defaultBackend: it would answer for every host the ingress controller does not know (rule ingress-hosts)',
        },
        {
          expression: "!has(object.spec.rules) || object.spec.rules.all(r, has(r.host) && r.host != '')",
          message: 'every rule of a tenant Ingress needs a host: a rule without one answers for every host (rule ingress-hosts)',
        },
        {
          expression: `!has(object.spec.rules) || object.spec.rules.all(r, !has(r.host) || ${ALLOWED('r.host')})`,
          message: "Ingress hosts must be among the namespace's allowed hosts (tenants[].hosts in cluster.yaml) (rule ingress-hosts)",
          messageExpression: `'Ingress hosts must be among the namespace\\'s allowed hosts (rule ingress-hosts): ' + object.spec.rules.filter(r, has(r.host) && !${ALLOWED('r.host')}).map(r, r.host).join(', ') + '; allowed: ' + ${ALLOWED_LIST}`,
        },
        {
          expression: `!has(object.spec.tls) || object.spec.tls.all(t, !has(t.hosts) || t.hosts.all(h, ${ALLOWED('h')}))`,
          message: "Ingress TLS hosts must be among the namespace's allowed hosts (tenants[].hosts in cluster.yaml) (rule ingress-hosts)",
          messageExpression: `'Ingress TLS hosts must be among the namespace\\'s allowed hosts (rule ingress-hosts): ' + object.spec.tls.filter(t, has(t.hosts) && t.hosts.exists(h, !${ALLOWED('h')})).map(t, t.hosts.filter(h, !${ALLOWED('h')}).join(', ')).join(', ') + '; allowed: ' + ${ALLOWED_LIST}`,
        },
      ],
    },
    {
      id: 'ingress-snippets',
      title: 'no nginx configuration snippets on tenant Ingresses (they would run any nginx directive for every host the controller serves)',
      scope: 'tenants',
      match: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['ingresses'], operations: ['CREATE', 'UPDATE'] }],
      variables: [SNIPPET_ANNOTATIONS],
      validations: [
        {
          expression: 'size(variables.snippetAnnotations) == 0',
          message:
            'nginx configuration snippets are not allowed on a tenant Ingress: they inject raw nginx configuration into the shared ingress controller (as in CVE-2021-25742) (rule ingress-snippets)',
          messageExpression:
            "'nginx configuration snippets are not allowed on a tenant Ingress (rule ingress-snippets): ' + variables.snippetAnnotations.join(', ') + '; use the nginx.org/* annotations that set what you need, or ask the platform team'",
        },
      ],
    },
    {
      id: 'route-hosts',
      title: "tenant Gateway API routes (HTTPRoute, GRPCRoute, TLSRoute) name only the tenant's own hostnames",
      scope: 'tenants',
      // served only where the Gateway API CRDs are installed; elsewhere the rule matches nothing
      match: [
        {
          apiGroups: ['gateway.networking.k8s.io'],
          apiVersions: ['*'],
          resources: ['httproutes', 'grpcroutes', 'tlsroutes'],
          operations: ['CREATE', 'UPDATE'],
        },
      ],
      variables: [ALLOWED_HOSTS],
      validations: [
        {
          expression: 'has(object.spec.hostnames) && size(object.spec.hostnames) > 0',
          message:
            'a tenant route must list its hostnames: without them it takes every host of the Gateway listeners it attaches to (rule route-hosts)',
        },
        {
          expression: `!has(object.spec.hostnames) || object.spec.hostnames.all(h, ${ALLOWED('h')})`,
          message: "route hostnames must be among the namespace's allowed hosts (tenants[].hosts in cluster.yaml) (rule route-hosts)",
          messageExpression: `'route hostnames must be among the namespace\\'s allowed hosts (rule route-hosts): ' + object.spec.hostnames.filter(h, !${ALLOWED('h')}).join(', ') + '; allowed: ' + ${ALLOWED_LIST}`,
        },
      ],
    },
  ];
}
