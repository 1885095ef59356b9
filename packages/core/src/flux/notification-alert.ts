import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { FLUX_API } from './common.js';

export interface NotificationAlertSpec {
  readonly providerRef: { readonly name: string };
  /** Which objects' events: kind and name (`*` for all) in the Alert's namespace unless one is given. */
  readonly eventSources: readonly { readonly kind: string; readonly name: string; readonly namespace?: string }[];
  /** `error` sends error events only. @default 'info' (every event) */
  readonly eventSeverity?: 'info' | 'error';
  /** Go regular expressions; only events whose message matches one are sent. @default every message */
  readonly inclusionList?: readonly string[];
  /** Go regular expressions; events whose message matches one are not sent. @default none */
  readonly exclusionList?: readonly string[];
  /** Added to every event (Alertmanager: as labels). @default none */
  readonly eventMetadata?: Readonly<Record<string, string>>;
}

export interface NotificationAlertProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: NotificationAlertSpec;
}

/** Flux notification-controller `Alert` (notification.toolkit.fluxcd.io/v1beta3): which events go to a Provider. */
export class NotificationAlert extends ApiObject {
  constructor(scope: Construct, id: string, props: NotificationAlertProps) {
    super(scope, id, { apiVersion: FLUX_API.notification, kind: 'Alert', ...props });
  }
}
