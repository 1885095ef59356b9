module github.com/ck8s/platform/tools/ck8s-rename-exchange

go 1.25.0

require golang.org/x/sys v0.47.0
