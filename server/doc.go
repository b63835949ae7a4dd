// Package server is Jiuzhu's HTTP server: it serves the PWA (pages,
// precompressed WebAssembly, static files, service worker), /healthz, the
// login API (/api/login, /api/logout), the administration API, /metrics and
// the /sync websocket, where devices
// push and pull changes (shared/sync) within their user's scope. It owns no
// state outside its store.Store, and keeps no store transaction open across
// network I/O (but for the online backup's read transaction, streamed to a
// local socket and cut off when its reader stalls: backupsock.go).
//
// Files: server.go (setup, routes), pwa.go (the app), health.go, api.go and
// auth.go (login, passwords, tokens), syncws.go (the websocket protocol),
// push.go and pull.go (the two halves of sync), scope.go (who sees what),
// hub.go (connected devices, pokes), rate.go and limiter.go (limits),
// admin.go (accounts for the CLI: add, unlock, passwords, logout
// everywhere), adminapi.go (the administration API: users, devices,
// reassignment, audit, field history), security.go (security headers and
// CSP, the websocket origin check, TLS), tabletaudit.go (pushes and the
// tablets' own audit records into the audit trail), blobs.go (photo uploads
// and downloads over /api/blobs, and who may have them), metrics.go
// (/metrics and who may read it), backupsock.go (the control socket in the
// data directory: online backups), reports.go (/api/reports: shared/report
// over an org unit), export.go with exportread.go, exporttables.go and
// exportfile.go (/api/export: XLSX and CSV, masking, audit), retention.go
// (archived files, retention and purging).
//
// Nothing here is compiled into the WebAssembly app; the dependency test in
// shared/ checks that app/wasm never links this package.
package server
