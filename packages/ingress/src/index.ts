export * from './cert-manager.js';
export * from './certificate-alerts.js';
export * from './cluster-issuers.js';
export * from './external-dns.js';
export * from './ingress-controller.js';
export * from './nginx-ingress-values.js';
export * from './platform-endpoint.js';
export * from './platform-endpoints.js';
