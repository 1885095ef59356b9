// Command oci-registry is the e2e harness's OCI registry and its Flux artifact client:
//
//	oci-registry serve --addr 127.0.0.1:PORT
//	    serves go-containerregistry's registry (the OCI distribution API, blobs in memory);
//	oci-registry push --url 127.0.0.1:PORT/<repository>:<tag> --path DIR --source URL --revision REV
//	    packs DIR into a Flux artifact and pushes it with fluxcd/pkg/oci, the library behind
//	    `flux push artifact` (the command Flux's release workflow publishes its install manifests with).
//
// Both are upstream code at the versions pinned in go.mod; only the flags are ours.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/fluxcd/pkg/oci"
	"github.com/google/go-containerregistry/pkg/registry"
)

func main() {
	if len(os.Args) < 2 {
		log.Fatal("oci-registry: usage: oci-registry serve|push [flags]")
	}
	switch os.Args[1] {
	case "serve":
		serve(os.Args[2:])
	case "push":
		push(os.Args[2:])
	default:
		log.Fatalf("oci-registry: unknown command %q (serve or push)", os.Args[1])
	}
}

func serve(args []string) {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:5000", "address to listen on (plain HTTP)")
	_ = fs.Parse(args)

	server := &http.Server{Addr: *addr, Handler: registry.New(registry.Logger(log.New(os.Stderr, "registry: ", log.LstdFlags))), ReadHeaderTimeout: 10 * time.Second}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(ctx)
	}()
	log.Printf("oci-registry: serving on http://%s", *addr)
	if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("oci-registry: %v", err)
	}
}

func push(args []string) {
	fs := flag.NewFlagSet("push", flag.ExitOnError)
	url := fs.String("url", "", "artifact reference, <registry>/<repository>:<tag> (required)")
	path := fs.String("path", "", "folder to pack (required)")
	source := fs.String("source", "", "org.opencontainers.image.source annotation")
	revision := fs.String("revision", "", "org.opencontainers.image.revision annotation")
	_ = fs.Parse(args)
	if *url == "" || *path == "" {
		log.Fatal("oci-registry: push needs --url and --path")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := oci.NewClient(oci.DefaultOptions())
	digest, err := client.Push(ctx, *url, *path, oci.WithPushMetadata(oci.Metadata{Source: *source, Revision: *revision}))
	if err != nil {
		log.Fatalf("oci-registry: push %s: %v", *url, err)
	}
	fmt.Println(digest)
}
