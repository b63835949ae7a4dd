package model

import (
	"slices"
)

// Requirement says when a field must be filled in.
type Requirement string

// Requirements. Any other value is a case stage code: the field is required
// once the record's case has reached that stage.
const (
	Optional Requirement = ""       // never required
	Always   Requirement = "always" // required to save
)

// Field declares one field of a record type.
type Field struct {
	Name      string
	Kind      Kind
	Label     Label
	Required  Requirement
	Sensitive bool     // sensitive personal information (PIPL): masked, access logged
	Codes     string   // code list, for KindCode and KindCodes
	Refs      []string // allowed record types, for KindRef and KindRefs (nil: any)
	Max       int      // text: max characters; int/decimal: max value (0: default)
	Min       int      // int/decimal: min value
	// Past marks a date that records something that has happened: it
	// cannot be after the day it is entered (checked where today is known:
	// on the device).
	Past bool
	// Division marks a text field that holds an administrative division
	// code, picked from the division tree.
	Division bool
	// Signature marks a text field that holds a signature drawn on the
	// screen: a PNG as a data URL (data:image/png;base64,…).
	Signature bool
}

// Type declares one record type.
type Type struct {
	Name       string
	Label      Label
	Root       bool     // a root: access is decided on it; its root is itself
	Owner      string   // for roots: the KindUser field naming the user it is assigned to ("": its creator)
	Parents    []string // types a child's parent may be (nil for roots)
	AppendOnly bool     // written once; fields never changed, never deleted
	Sensitive  bool     // the whole record is sensitive (e.g. health, consent)
	Fields     []Field  // in form order; children start with root and parent
}

// Field returns the declaration of a field.
func (t *Type) Field(name string) (*Field, bool) {
	for i := range t.Fields {
		if t.Fields[i].Name == name {
			return &t.Fields[i], true
		}
	}
	return nil, false
}

// Common field names.
const (
	FieldRoot   = "root"   // the root record a child belongs to
	FieldParent = "parent" // the record a child hangs under
)

// Registry holds the record types and code lists. NewRegistry returns the
// standard; a province adds codes with AddCode. A Registry is read-only
// after setup and then safe for concurrent use. It satisfies sync.Schema.
type Registry struct {
	types  []*Type
	byName map[string]*Type
	codes  map[string]*CodeList
}

// NewRegistry returns a registry holding the standard's types and codes.
func NewRegistry() *Registry {
	r := &Registry{byName: map[string]*Type{}, codes: map[string]*CodeList{}}
	for _, l := range standardCodes() {
		r.codes[l.Name] = &l
	}
	for _, t := range standardTypes() {
		r.types = append(r.types, t)
		r.byName[t.Name] = t
	}
	return r
}

// Type returns the declaration of a record type.
func (r *Registry) Type(name string) (*Type, bool) {
	t, ok := r.byName[name]
	return t, ok
}

// Types returns every record type in declaration order.
func (r *Registry) Types() []*Type { return slices.Clone(r.types) }

// RootTypes returns the names of the root types.
func (r *Registry) RootTypes() []string {
	var out []string
	for _, t := range r.types {
		if t.Root {
			out = append(out, t.Name)
		}
	}
	return out
}

// Codes returns a code list.
func (r *Registry) Codes(name string) (*CodeList, bool) {
	l, ok := r.codes[name]
	return l, ok
}

// CodeLabel returns the label of a code in a list (the code itself if
// unknown, so old data still shows).
func (r *Registry) CodeLabel(list, code string) Label {
	if l, ok := r.codes[list]; ok {
		if c, ok := l.Find(code); ok {
			return c.Label
		}
	}
	return Plain(code)
}

// AddCode adds a code to a list (a province's own service category, say).
// Call it during setup, before the registry is shared.
func (r *Registry) AddCode(list string, code Code) error {
	l, ok := r.codes[list]
	if !ok {
		return &FieldError{Type: "code_list", Field: list, Msg: Msg{MsgUnknownField, []Label{Plain(list)}}, Err: ErrUnknownField}
	}
	if l.Has(code.Code) || code.Code == "" {
		return &FieldError{Type: "code_list", Field: list, Msg: Msg{MsgUnknownCode, []Label{l.Label, Plain(code.Code)}}, Err: ErrDuplicate}
	}
	l.Codes = append(l.Codes, code)
	return nil
}

// AppendOnly reports whether records of the type are append-only
// (sync.Schema).
func (r *Registry) AppendOnly(typ string) bool {
	t, ok := r.byName[typ]
	return ok && t.AppendOnly
}

// Sensitive reports whether a field holds sensitive personal information.
func (r *Registry) Sensitive(typ, field string) bool {
	t, ok := r.byName[typ]
	if !ok {
		return false
	}
	if t.Sensitive {
		return true
	}
	f, ok := t.Field(field)
	return ok && f.Sensitive
}
