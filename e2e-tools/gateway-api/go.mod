// Wrapper module that pins the Gateway API release whose CRDs the e2e cluster installs, so the
// admission parity check can send HTTPRoute, GRPCRoute and TLSRoute fixtures to the API server.
// Nothing is built: the CRDs are read from the module's config/crd/standard in the module cache.
module ck8s.e2e/gateway-api

go 1.25.0

require sigs.k8s.io/gateway-api v1.5.1
