import { Component, type Pods } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';

/** The pods of the widget, a component that exists only in this test. */
export const WIDGET_PODS: Pods = { name: 'widget', namespace: 'widget', labels: { 'app.kubernetes.io/name': 'widget' } };

/**
 * A new component, written the way a capability package writes one: it owns a namespace, serves
 * metrics, talks to the API server and reads a generated Secret. Nothing else in the repository
 * knows about it.
 */
export class Widget extends Component {
  constructor(scope: Construct, id: string) {
    super(scope, id, { layer: 'controllers' });
    this.addNamespace({ name: WIDGET_PODS.namespace });
    this.addMetrics({ name: 'widget', pods: WIDGET_PODS, port: 9999 });
    this.addFlow({ from: WIDGET_PODS, to: { peer: 'api-server' } });
    this.requireSecret({
      namespace: 'widget',
      name: 'widget-token',
      keys: ['token'],
      purpose: "the widget's token",
      generate: (context) => ({ token: context.password(40) }),
    });
  }
}

/** A component that writes an object another component owns (the monitoring namespace), as a careless one might. */
export class Squatter extends Component {
  constructor(scope: Construct, id: string) {
    super(scope, id, { layer: 'controllers' });
    new ApiObject(this, 'namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
  }
}
