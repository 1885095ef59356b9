// Wrapper module of our own oci-registry command (main.go): an OCI registry for the e2e harness,
// go-containerregistry's (pinned in ../versions.json), and pushes of Flux artifacts with
// fluxcd/pkg/oci at the version source-controller v1.7.3 (Flux v2.7.3) uses.
// Regenerate go.sum with `go mod tidy` after changing a version.
module ck8s.e2e/oci-registry

go 1.25.0

require (
	github.com/fluxcd/pkg/oci v0.57.0
	github.com/google/go-containerregistry v0.20.6
)

require (
	github.com/Masterminds/semver/v3 v3.4.0 // indirect
	github.com/containerd/stargz-snapshotter/estargz v0.16.3 // indirect
	github.com/cyphar/filepath-securejoin v0.4.1 // indirect
	github.com/docker/cli v28.4.0+incompatible // indirect
	github.com/docker/distribution v2.8.3+incompatible // indirect
	github.com/docker/docker-credential-helpers v0.9.3 // indirect
	github.com/fluxcd/pkg/sourceignore v0.15.0 // indirect
	github.com/fluxcd/pkg/tar v0.15.0 // indirect
	github.com/fluxcd/pkg/version v0.11.0 // indirect
	github.com/go-git/gcfg v1.5.1-0.20230307220236-3a3c6141e376 // indirect
	github.com/go-git/go-billy/v5 v5.6.2 // indirect
	github.com/go-git/go-git/v5 v5.16.3 // indirect
	github.com/jbenet/go-context v0.0.0-20150711004518-d14ea06fba99 // indirect
	github.com/klauspost/compress v1.18.0 // indirect
	github.com/mitchellh/go-homedir v1.1.0 // indirect
	github.com/opencontainers/go-digest v1.0.0 // indirect
	github.com/opencontainers/image-spec v1.1.1 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/sirupsen/logrus v1.9.3 // indirect
	github.com/vbatts/tar-split v0.12.1 // indirect
	golang.org/x/net v0.45.0 // indirect
	golang.org/x/sync v0.17.0 // indirect
	golang.org/x/sys v0.36.0 // indirect
	gopkg.in/warnings.v0 v0.1.2 // indirect
)
