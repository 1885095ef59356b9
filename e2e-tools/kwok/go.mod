// Wrapper module that builds the kwok controller (fake nodes and pods, no kubelet) of
// sigs.k8s.io/kwok at the version pinned in ../versions.json. v0.7.0 is the last release built
// against client-go v0.33 (v0.8.0 needs Go 1.26 and k8s.io v0.36). Built from a wrapper like the
// other tools so go.sum locks every dependency. Regenerate go.sum with `go mod tidy`.
module ck8s.e2e/kwok

go 1.24.0

tool sigs.k8s.io/kwok/cmd/kwok

require sigs.k8s.io/kwok v0.7.0
