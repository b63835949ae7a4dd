// Command minimal is the smallest go-app v10 app: one component, one route.
// It is not part of the product. `make size` and `make bench` build it exactly
// as they build Jiuzhu's app (same flags, same compression) and serve it the
// same way, so that Jiuzhu's size and load time can be reported as ratios
// against it, measured in the same run.
//
// Compiled to WebAssembly it runs the app; compiled natively it serves it
// (see serve.go): `minimal --addr 127.0.0.1:0 --web DIR`.
package main

import goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

type hello struct{ goapp.Compo }

func (h *hello) Render() goapp.UI {
	return goapp.H1().ID("hello").Text("Hello")
}

func main() {
	goapp.Route("/", func() goapp.Composer { return &hello{} })
	goapp.RunWhenOnBrowser()
	serve()
}
