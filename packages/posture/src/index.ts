export * from './mitre-attack-compliance.js';
export * from './posture-alerts.js';
export * from './posture-dashboard.js';
export * from './posture-scanner.js';
export * from './trivy-operator-values.js';
