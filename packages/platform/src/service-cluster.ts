import type { Profile } from './cluster-profile.js';
import {
  alertsAndDashboards,
  backup,
  enterpriseUi,
  gitOps,
  identityProvider,
  ingress,
  intrusionDetection,
  logForwarder,
  logStore,
  metricsServer,
  policies,
  postureScanning,
  registry,
  tenants,
} from './profile-entries.js';

/**
 * A service cluster: the log store, metrics, dashboards, alerting, registry and single sign-on of
 * its workload clusters (and its own agents, which report to itself). The identity provider comes
 * after the web applications it registers; the alerts after every component whose namespaces they watch.
 */
export const SERVICE_CLUSTER: Profile = {
  name: 'service',
  entries: [
    gitOps,
    policies,
    metricsServer,
    logForwarder,
    logStore,
    registry,
    postureScanning,
    ingress,
    intrusionDetection,
    backup,
    enterpriseUi,
    identityProvider,
    alertsAndDashboards,
    tenants,
  ],
};
