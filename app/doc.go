// Package app holds Jiuzhu's user interface: go-app components (pages and
// the shell around them) and the route table.
//
// The same code runs in two places: compiled to WebAssembly it is the PWA on
// the tablet (entry point app/wasm), and compiled natively it is prerendered
// by the server and exercised by tests with go-app's test engine. It must not
// import server/ or any storage engine; labels come from shared/i18n.
package app

import goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

// Window-level states shared by every page. They are go-app states so that a
// change re-renders each component that observes it.
const (
	// stateLang holds the chosen interface language (an i18n.Lang as a
	// string); it is persisted in localStorage, which is not sensitive.
	stateLang = "jiuzhu.lang"
)

// ui is a short alias used by the render functions.
type ui = goapp.UI
