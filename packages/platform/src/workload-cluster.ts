import type { Profile } from './cluster-profile.js';
import {
  backup,
  dataServices,
  enterpriseUi,
  gitOps,
  ingress,
  intrusionDetection,
  logForwarder,
  workloadMetrics,
  policies,
  postureScanning,
  tenants,
} from './profile-entries.js';

/**
 * A workload cluster: the tenants' applications and the agents that must run beside them, each
 * sending its evidence to the service cluster as it is produced.
 */
export const WORKLOAD_CLUSTER: Profile = {
  name: 'workload',
  entries: [
    gitOps,
    policies,
    logForwarder,
    workloadMetrics,
    postureScanning,
    ingress,
    intrusionDetection,
    backup,
    enterpriseUi,
    tenants,
    dataServices,
  ],
};
