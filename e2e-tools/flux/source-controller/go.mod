// Wrapper module that builds github.com/fluxcd/source-controller at the version pinned in
// ../../versions.json (Flux v2.7.3: source-controller v1.7.3). Upstream replaces its api module
// with ./api, which `go install pkg@version` refuses; this module repeats upstream's replace
// directives with the published api release instead. The other replaces are upstream's own.
// Regenerate go.sum with `go mod tidy` after changing a version.
module ck8s.e2e/source-controller

go 1.25.0

tool github.com/fluxcd/source-controller

require github.com/fluxcd/source-controller v1.7.3

replace github.com/fluxcd/source-controller/api => github.com/fluxcd/source-controller/api v1.7.3

// upstream: digest lib at master for BLAKE3
replace github.com/opencontainers/go-digest => github.com/opencontainers/go-digest v1.0.1-0.20220411205349-bde1400a84be
