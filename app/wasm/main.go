//go:build js && wasm

// Command wasm is the PWA's WebAssembly entry point. It registers the routes,
// prepares the tablet's encrypted accounts and runs the app in the browser.
// It links no server code (checked by a test in shared/).
package main

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app"
)

func main() {
	app.Register()
	app.StartDevice()
	goapp.RunWhenOnBrowser()
}
