package model

import "errors"

// Sentinel errors. Callers test them with errors.Is.
var (
	// ErrUnknownType reports a record type the registry does not declare.
	ErrUnknownType = errors.New("model: unknown record type")
	// ErrUnknownField reports a field the record type does not declare.
	ErrUnknownField = errors.New("model: unknown field")
	// ErrInvalid reports a value that is not valid for its field.
	ErrInvalid = errors.New("model: invalid value")
	// ErrDuplicate reports a code or type declared twice.
	ErrDuplicate = errors.New("model: duplicate declaration")
)

// FieldError reports a problem with one field's value, with a translatable
// message.
type FieldError struct {
	Type  string // record type
	Field string // field name
	Msg   Msg    // what is wrong, translatable
	Err   error  // ErrUnknownType, ErrUnknownField or ErrInvalid
}

func (e *FieldError) Error() string {
	return "model: " + e.Type + "." + e.Field + ": " + e.Msg.Text(LangEn)
}

// Unwrap returns the sentinel.
func (e *FieldError) Unwrap() error { return e.Err }
