// Wrapper module that pins the Prometheus operator release whose CRDs the e2e cluster installs, so
// the admission parity check and the tenant monitoring scenario can send ServiceMonitor, PodMonitor,
// PrometheusRule and AlertmanagerConfig objects to the API server. Nothing is built: the CRDs are
// read from the module's example/prometheus-operator-crd in the module cache.
module ck8s.e2e/prometheus-operator

go 1.26.0

require github.com/prometheus-operator/prometheus-operator v0.93.1
