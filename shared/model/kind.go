package model

// Kind is the kind of value a field holds; it decides the field's JSON
// form, its validation and its form control.
type Kind uint8

// Field kinds. Every value is canonical JSON; null clears a field.
const (
	KindText     Kind = iota + 1 // JSON string, one line
	KindLongText                 // JSON string, may hold line breaks
	KindInt                      // JSON integer
	KindDecimal                  // JSON number, at most two decimals (hours)
	KindBool                     // true or false
	KindDate                     // "YYYY-MM-DD"
	KindTime                     // "HH:MM"
	KindDateTime                 // "YYYY-MM-DDTHH:MM:SSZ" (UTC)
	KindCode                     // one code of Field.Codes
	KindCodes                    // JSON array of distinct codes of Field.Codes, sorted
	KindRef                      // a record id "type/ULID" of one of Field.Refs
	KindRefs                     // JSON array of distinct record ids, sorted
	KindMoney                    // Money object
	KindIDNumber                 // GB 11643 resident ID number
	KindPhone                    // mobile or landline number
	KindJSON                     // any JSON value (conflict sides)
	KindUser                     // a user id (accounts live on the server, not as records)
)

var kindNames = map[Kind]string{
	KindText: "text", KindLongText: "longtext", KindInt: "int", KindDecimal: "decimal", KindBool: "bool",
	KindDate: "date", KindTime: "time", KindDateTime: "datetime", KindCode: "code", KindCodes: "codes",
	KindRef: "ref", KindRefs: "refs", KindMoney: "money", KindIDNumber: "id_number", KindPhone: "phone",
	KindJSON: "json", KindUser: "user",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "unknown"
}
