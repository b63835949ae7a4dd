package sync

import (
	"encoding/json"
	"errors"
)

// JSON is the encoding/json codec: the readable baseline the Binary codec
// is measured against, and handy for debugging. Envelope:
// {"v":1,"t":"push",...}.
type JSON struct {
	Limits Limits
}

type jsonChange struct {
	Op    string          `json:"op"`
	Rec   string          `json:"rec"`
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
	HLC   uint64          `json:"hlc"`
	By    string          `json:"by"`
	Base  uint64          `json:"base,omitempty"`
	Seq   uint64          `json:"seq,omitempty"`
}

type jsonAck struct {
	Op      string `json:"op"`
	Seq     uint64 `json:"seq,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

type jsonCursor struct {
	Epoch uint64 `json:"epoch"`
	Seq   uint64 `json:"seq"`
}

type jsonMsg struct {
	V        int          `json:"v"`
	T        string       `json:"t"`
	ID       uint32       `json:"id,omitempty"`
	Token    string       `json:"token,omitempty"`
	Device   string       `json:"device,omitempty"`
	App      string       `json:"app,omitempty"`
	Cursor   *jsonCursor  `json:"cursor,omitempty"`
	Time     int64        `json:"time,omitempty"`
	Epoch    uint64       `json:"epoch,omitempty"`
	Reset    bool         `json:"reset,omitempty"`
	MinApp   string       `json:"min_app,omitempty"`
	Changes  []jsonChange `json:"changes,omitempty"`
	Accepted []jsonAck    `json:"accepted,omitempty"`
	Rejected []jsonAck    `json:"rejected,omitempty"`
	Limit    uint32       `json:"limit,omitempty"`
	From     *jsonCursor  `json:"from,omitempty"`
	To       *jsonCursor  `json:"to,omitempty"`
	More     bool         `json:"more,omitempty"`
	Drop     []string     `json:"drop,omitempty"`
	Code     string       `json:"code,omitempty"`
	Message  string       `json:"message,omitempty"`
}

func toJSONChange(c *Change, seq uint64) jsonChange {
	return jsonChange{Op: c.Op.String(), Rec: string(c.Rec), Field: c.Field,
		Value: json.RawMessage(c.Value), HLC: uint64(c.HLC), By: c.By, Base: c.Base, Seq: seq}
}

func toJSONCursor(c Cursor) *jsonCursor { return &jsonCursor{Epoch: c.Epoch, Seq: c.Seq} }

func (j *jsonCursor) cursor() Cursor {
	if j == nil {
		return Cursor{}
	}
	return Cursor{Epoch: j.Epoch, Seq: j.Seq}
}

// Encode implements Codec.
func (c JSON) Encode(m Message) ([]byte, error) {
	lim := c.Limits.orDefault()
	w := jsonMsg{V: ProtocolVersion, T: m.Type().String()}
	switch m := m.(type) {
	case *Hello:
		w.Token, w.Device, w.App, w.Cursor = m.Token, m.Device, m.App, toJSONCursor(m.Cursor)
	case *Welcome:
		w.Time, w.Epoch, w.Reset, w.MinApp = m.ServerTime, m.Epoch, m.Reset, m.MinApp
	case *Push:
		w.ID = m.ID
		w.Changes = make([]jsonChange, len(m.Changes))
		for i := range m.Changes {
			w.Changes[i] = toJSONChange(&m.Changes[i], 0)
		}
	case *Ack:
		w.ID = m.ID
		for _, a := range m.Accepted {
			w.Accepted = append(w.Accepted, jsonAck{Op: a.Op.String(), Seq: a.Seq})
		}
		for _, r := range m.Rejected {
			w.Rejected = append(w.Rejected, jsonAck{Op: r.Op.String(), Code: r.Code, Message: r.Message})
		}
	case *Pull:
		w.ID, w.Cursor, w.Limit = m.ID, toJSONCursor(m.Cursor), m.Limit
	case *Page:
		w.ID, w.From, w.To, w.More = m.ID, toJSONCursor(m.From), toJSONCursor(m.To), m.More
		w.Changes = make([]jsonChange, len(m.Entries))
		for i := range m.Entries {
			w.Changes[i] = toJSONChange(&m.Entries[i].Change, m.Entries[i].Seq)
		}
		for _, r := range m.Drop {
			w.Drop = append(w.Drop, string(r))
		}
	case *Poke:
	case *Revoked:
		w.Message = m.Reason
	case *ErrorMsg:
		w.Code, w.Message = m.Code, m.Message
	default:
		return nil, &Error{Op: "encode", Err: ErrMalformed}
	}
	if err := checkJSONLimits(&w, lim); err != nil {
		return nil, &Error{Op: "encode " + w.T, Err: err}
	}
	b, err := json.Marshal(&w)
	if err != nil {
		return nil, &Error{Op: "encode " + w.T, Err: err}
	}
	if len(b) > lim.MaxMessage {
		return nil, &Error{Op: "encode " + w.T, Err: ErrTooLarge}
	}
	return b, nil
}

func checkJSONLimits(w *jsonMsg, lim Limits) error {
	if len(w.Changes) > lim.MaxBatch || len(w.Accepted) > lim.MaxBatch || len(w.Rejected) > lim.MaxBatch {
		return ErrTooLarge
	}
	for _, s := range []string{w.Token, w.Device, w.App, w.MinApp, w.Code, w.Message} {
		if len(s) > lim.MaxString {
			return ErrTooLarge
		}
	}
	for i := range w.Changes {
		c := &w.Changes[i]
		if len(c.Value) > lim.MaxValue {
			return ErrTooLarge
		}
		if len(c.Op) > lim.MaxString || len(c.Rec) > lim.MaxString || len(c.Field) > lim.MaxString || len(c.By) > lim.MaxString {
			return ErrTooLarge
		}
	}
	for _, a := range append(w.Accepted, w.Rejected...) {
		if len(a.Op) > lim.MaxString || len(a.Code) > lim.MaxString || len(a.Message) > lim.MaxString {
			return ErrTooLarge
		}
	}
	return nil
}

var errBadOpJSON = errors.New("sync: malformed op in JSON message")

// Decode implements Codec.
func (c JSON) Decode(b []byte) (Message, error) {
	lim := c.Limits.orDefault()
	if len(b) > lim.MaxMessage {
		return nil, &Error{Op: "decode", Err: ErrTooLarge}
	}
	var w jsonMsg
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, &Error{Op: "decode", Err: errors.Join(ErrMalformed, err)}
	}
	if w.V != ProtocolVersion {
		return nil, &Error{Op: "decode", Err: ErrVersion}
	}
	if err := checkJSONLimits(&w, lim); err != nil {
		return nil, &Error{Op: "decode " + w.T, Err: err}
	}
	m, err := fromJSON(&w)
	if err != nil {
		return nil, &Error{Op: "decode " + w.T, Err: errors.Join(ErrMalformed, err)}
	}
	return m, nil
}

func fromJSONChange(j *jsonChange) (Change, error) {
	op, err := ParseOp(j.Op)
	if err != nil {
		return Change{}, errBadOpJSON
	}
	return Change{Op: op, Rec: RecID(j.Rec), Field: j.Field, Value: string(j.Value),
		HLC: HLC(j.HLC), By: j.By, Base: j.Base}, nil
}

func fromJSON(w *jsonMsg) (Message, error) {
	switch w.T {
	case "hello":
		return &Hello{Token: w.Token, Device: w.Device, App: w.App, Cursor: w.Cursor.cursor()}, nil
	case "welcome":
		return &Welcome{ServerTime: w.Time, Epoch: w.Epoch, Reset: w.Reset, MinApp: w.MinApp}, nil
	case "push":
		p := &Push{ID: w.ID}
		for i := range w.Changes {
			ch, err := fromJSONChange(&w.Changes[i])
			if err != nil {
				return nil, err
			}
			p.Changes = append(p.Changes, ch)
		}
		return p, nil
	case "ack":
		a := &Ack{ID: w.ID}
		for _, j := range w.Accepted {
			op, err := ParseOp(j.Op)
			if err != nil {
				return nil, errBadOpJSON
			}
			a.Accepted = append(a.Accepted, Accepted{Op: op, Seq: j.Seq})
		}
		for _, j := range w.Rejected {
			op, err := ParseOp(j.Op)
			if err != nil {
				return nil, errBadOpJSON
			}
			a.Rejected = append(a.Rejected, Rejected{Op: op, Code: j.Code, Message: j.Message})
		}
		return a, nil
	case "pull":
		return &Pull{ID: w.ID, Cursor: w.Cursor.cursor(), Limit: w.Limit}, nil
	case "page":
		p := &Page{ID: w.ID, From: w.From.cursor(), To: w.To.cursor(), More: w.More}
		for i := range w.Changes {
			ch, err := fromJSONChange(&w.Changes[i])
			if err != nil {
				return nil, err
			}
			p.Entries = append(p.Entries, Entry{Seq: w.Changes[i].Seq, Change: ch})
		}
		for _, r := range w.Drop {
			p.Drop = append(p.Drop, RecID(r))
		}
		return p, nil
	case "poke":
		return &Poke{}, nil
	case "revoked":
		return &Revoked{Reason: w.Message}, nil
	case "error":
		return &ErrorMsg{Code: w.Code, Message: w.Message}, nil
	}
	return nil, errors.New("unknown message type")
}
