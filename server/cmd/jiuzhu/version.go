package main

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"jiuzhu/server"
)

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "Usage: jiuzhu version")
		return 2
	}
	v, err := server.BuildVersion()
	if err != nil {
		fmt.Fprintf(stderr, "jiuzhu version: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "jiuzhu %s (%s %s/%s)\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}
