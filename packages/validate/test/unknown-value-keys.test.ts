import { describe, expect, it } from 'vitest';
import { unknownValueKeys } from '../src/render/unknown-value-keys.js';

const DEFAULTS = {
  controller: {
    replicaCount: 1,
    config: { entries: {} },
    resources: { requests: { cpu: '100m' } },
    podDisruptionBudget: { enabled: false },
    service: { type: 'LoadBalancer' },
  },
  extra: null,
};

const TEMPLATES = `
resources:
{{ toYaml .Values.controller.resources | indent 10 }}
{{- if .Values.controller.podDisruptionBudget.minAvailable }}
  minAvailable: {{ .Values.controller.podDisruptionBudget.minAvailable }}
{{- end }}
type: {{ .Values.controller.service.type }}
`;

describe('unknownValueKeys', () => {
  it('knows the keys of the defaults, free-form maps, and keys the templates read', () => {
    const values = {
      controller: {
        replicaCount: 2,
        config: { entries: { hsts: 'true' } },
        resources: { requests: { cpu: '10m' }, limits: { memory: '64Mi' } },
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
      },
      extra: { anything: 1 },
    };
    expect(unknownValueKeys(values, DEFAULTS, TEMPLATES)).toEqual([]);
  });

  it('names every key the chart neither defaults nor reads, by its dotted path', () => {
    const values = {
      controller: {
        replicas: 2,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        // the templates read service.type, not the service map as a whole
        service: { type: 'ClusterIP', externalTrafficPolicy: 'Local' },
      },
      metrics: { enabled: true },
    };
    expect(unknownValueKeys(values, DEFAULTS, TEMPLATES)).toEqual([
      'controller.replicas',
      'controller.podDisruptionBudget.maxUnavailable',
      'controller.service.externalTrafficPolicy',
      'metrics',
    ]);
  });
});
