package server

import (
	"fmt"
	"slices"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// auditPush adds to the audit trail what a push did: one "push" entry
// saying how many changes to how many records (each change itself, with its
// author, device and time, stays in the sync log, which /api/history shows
// per record), and a copy of every audit record a tablet pushed — a full ID
// number seen, a person's data printed or saved, a case file printed
// (print_case_file, listed as tablet_print_case_file), perhaps offline days
// ago — so that the audit page lists them with the server's own. The copy takes
// its time, action, target and detail from the record and the user and
// device from the connection that pushed it, never from what the record
// claims.
func (s *Server) auditPush(tx store.Tx, dev deviceIdentity, entries []sync.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	var recs []sync.RecID
	for _, e := range entries {
		if !slices.Contains(recs, e.Rec) {
			recs = append(recs, e.Rec)
		}
	}
	push := store.AuditEntry{At: s.now(), User: dev.user.ID, Device: dev.device, Action: "push",
		Detail: fmt.Sprintf("%d changes to %d records", len(entries), len(recs))}
	if len(recs) == 1 {
		push.Target = string(recs[0])
	}
	if _, err := tx.AppendAudit(push); err != nil {
		return err
	}
	for _, e := range entries {
		if e.Rec.Type() != model.TypeAudit || e.Field != "action" {
			continue
		}
		get := func(field string) string {
			f, ok, err := tx.Field(e.Rec, field)
			if err != nil || !ok {
				return ""
			}
			v, _ := sync.UnquoteJSON(f.Value)
			return v
		}
		at, err := time.Parse(time.RFC3339, get("at"))
		if err != nil {
			at = s.now()
		}
		action, _ := sync.UnquoteJSON(e.Value)
		if _, err := tx.AppendAudit(store.AuditEntry{At: at, User: dev.user.ID, Device: dev.device,
			Action: "tablet_" + action, Target: get("target"), Detail: get("detail")}); err != nil {
			return err
		}
	}
	return nil
}
