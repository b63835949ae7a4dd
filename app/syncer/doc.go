// Package syncer keeps a device in sync while the app is open: it connects
// when it can, reconnects with backoff, runs a sync round (push the outbox,
// pull pages), then waits on the open connection for the server's poke or a
// local edit, and reports its status for the status area.
//
// It is the loop around shared/sync's Session; the connection comes from a
// Dial function (shared/wsconn in the browser and in tests), so the package
// compiles natively and is tested against a real server. It must not import
// server/ (except in tests) or any storage engine.
package syncer
