package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// health is the body of /healthz.
type health struct {
	Status  string `json:"status"`
	Version string `json:"version"`
	DB      string `json:"db"`
	Error   string `json:"error,omitempty"`
}

// healthz reports whether the server and its store are working: 200 with
// status "ok", or 503 with status "error" and the reason.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	h := health{Status: "ok", Version: s.Version(), DB: "ok"}
	code := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		h.Status, h.DB, h.Error = "error", "error", err.Error()
		code = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(h)
}
