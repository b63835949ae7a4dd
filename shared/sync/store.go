package sync

// StateReader gives the current merged state of records, as the server
// holds it. The bbolt server implements it over its transaction.
type StateReader interface {
	// Field returns the winning write of (rec, field), if any.
	Field(rec RecID, field string) (FieldState, bool, error)
	// Fields returns every field of rec with its winning write (nil if the
	// record is unknown). The caller does not modify the map.
	Fields(rec RecID) (map[string]FieldState, error)
}

// Store is what Log.Apply needs from the server's storage, all inside one
// transaction: state lookups, the op index for idempotent re-delivery, and
// the append-only change log.
type Store interface {
	StateReader
	// Applied returns the sequence an op was committed with, if it was.
	Applied(op Op) (seq uint64, ok bool, err error)
	// LastSeq returns the greatest sequence in the log (0 if empty).
	LastSeq() (uint64, error)
	// Append adds e to the log and to the op index. e.Seq is LastSeq()+1.
	Append(e Entry) error
	// SetField stores the new winning write of (rec, field).
	SetField(rec RecID, field string, f FieldState) error
}

// Schema is what Log.Apply needs from the domain model. jiuzhu/shared/model's
// registry satisfies it.
type Schema interface {
	// AppendOnly reports whether records of the type are append-only:
	// written once, fields never changed, never deleted.
	AppendOnly(typ string) bool
	// CheckField returns an error if the type or field is unknown or the
	// canonical-JSON value is not valid for the field.
	CheckField(typ, field, value string) error
}
