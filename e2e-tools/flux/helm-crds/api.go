//go:build tools

// Package helmcrds only records that this module needs the HelmRelease API types: controller-gen
// loads them from the module cache (paths=github.com/fluxcd/helm-controller/api/...). Never built.
package helmcrds

import (
	_ "github.com/fluxcd/helm-controller/api/v2"
	_ "github.com/fluxcd/helm-controller/api/v2beta1"
	_ "github.com/fluxcd/helm-controller/api/v2beta2"
)
