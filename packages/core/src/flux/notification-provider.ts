import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { FLUX_API } from './common.js';

export interface NotificationProviderSpec {
  /** Where events go, e.g. `alertmanager`, `slack`, `generic`. */
  readonly type: string;
  /** The endpoint; credentials never go here but into the Secret of `secretRef`. @default none (the type's default) */
  readonly address?: string;
  /** Secret in the Provider's namespace with the credentials (`username`/`password`, `token`, `headers`, ...). @default no credentials */
  readonly secretRef?: { readonly name: string };
}

export interface NotificationProviderProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: NotificationProviderSpec;
}

/** Flux notification-controller `Provider` (notification.toolkit.fluxcd.io/v1beta3): where Alerts send events. */
export class NotificationProvider extends ApiObject {
  constructor(scope: Construct, id: string, props: NotificationProviderProps) {
    super(scope, id, { apiVersion: FLUX_API.notification, kind: 'Provider', ...props });
  }
}
