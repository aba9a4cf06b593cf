// lkservice starts every bundle under /containers/services the way
// LinuxKit's `service` tool does: containerd's Go client creates a container
// from the bundle's config.json (no snapshotter, absolute root path) and
// starts its task, all services in parallel. It is the LinuxKit-style peer
// of `make bench`; it is never part of a stele image.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/containerd/containerd"
	"github.com/containerd/containerd/cio"
	"github.com/containerd/containerd/namespaces"
	"github.com/opencontainers/runtime-spec/specs-go"
)

const namespace = "services.linuxkit"

func start(ctx context.Context, client *containerd.Client, dir, name string) error {
	raw, err := ioutil.ReadFile(filepath.Join(dir, name, "config.json"))
	if err != nil {
		return err
	}
	var spec specs.Spec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return err
	}
	if spec.Root != nil && !filepath.IsAbs(spec.Root.Path) {
		spec.Root.Path = filepath.Join(dir, name, spec.Root.Path)
	}
	ctr, err := client.NewContainer(ctx, name, containerd.WithSpec(&spec),
		containerd.WithRuntime("io.containerd.runc.v2", nil))
	if err != nil {
		return fmt.Errorf("create: %v", err)
	}
	logDir := "/var/log"
	if err := os.MkdirAll(logDir, 0755); err != nil {
		return err
	}
	task, err := ctr.NewTask(ctx, cio.LogFile(filepath.Join(logDir, name+".log")))
	if err != nil {
		return fmt.Errorf("task: %v", err)
	}
	return task.Start(ctx)
}

func main() {
	dir := "/containers/services"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	began := time.Now()
	client, err := containerd.New("/run/containerd/containerd.sock")
	if err != nil {
		fmt.Fprintln(os.Stderr, "lkservice:", err)
		os.Exit(1)
	}
	defer client.Close()
	ctx := namespaces.WithNamespace(context.Background(), namespace)
	entries, err := ioutil.ReadDir(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lkservice:", err)
		os.Exit(1)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	started := 0
	for _, e := range entries {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			if err := start(ctx, client, dir, name); err != nil {
				fmt.Fprintf(os.Stderr, "lkservice: %s: %v\n", name, err)
				return
			}
			mu.Lock()
			started++
			mu.Unlock()
		}(e.Name())
	}
	wg.Wait()
	fmt.Printf("lkservice: %d/%d services started in %d ms\n", started, len(entries),
		time.Since(began).Milliseconds())
}
