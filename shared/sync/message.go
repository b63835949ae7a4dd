package sync

// ProtocolVersion is the version carried in every message envelope.
const ProtocolVersion = 1

// MsgType identifies a protocol message in its envelope.
type MsgType uint8

// Message types.
const (
	THello   MsgType = 1 + iota // device → server: who I am, where I am
	TWelcome                    // server → device: handshake accepted
	TPush                       // device → server: a batch of changes
	TAck                        // server → device: outcome of a push
	TPull                       // device → server: send changes after a cursor
	TPage                       // server → device: a page of changes
	TPoke                       // server → device: new changes are waiting
	TRevoked                    // server → device: this device is revoked, wipe
	TError                      // either way: a protocol error
	tLast
)

var msgNames = [...]string{"", "hello", "welcome", "push", "ack", "pull", "page", "poke", "revoked", "error"}

func (t MsgType) String() string {
	if t == 0 || t >= tLast {
		return "unknown"
	}
	return msgNames[t]
}

// Message is one protocol message. Domain types (Change, Entry) are used
// inside messages; the codecs own the wire form.
type Message interface {
	Type() MsgType
}

// Hello opens a session.
type Hello struct {
	Token  string // session token from login
	Device string // the device id
	App    string // app version
	Cursor Cursor // where the device is in the log
}

// Welcome accepts a Hello.
type Welcome struct {
	ServerTime int64  // server clock, Unix milliseconds
	Epoch      uint64 // current log epoch
	Reset      bool   // the device's cursor is unusable: start again from (Epoch, 0)
	MinApp     string // oldest app version the server accepts
}

// Push sends a batch of changes. ID is echoed in the Ack.
type Push struct {
	ID      uint32
	Changes []Change
}

// Ack answers a Push.
type Ack struct {
	ID       uint32
	Accepted []Accepted
	Rejected []Rejected
}

// Pull asks for changes after Cursor, at most Limit.
type Pull struct {
	ID     uint32
	Cursor Cursor
	Limit  uint32
}

// Page answers a Pull: the entries after From up to and including To.
// Entries may also carry the whole current state of roots that have just
// entered the user's scope (with their original sequences). Drop names
// roots that have left it: the device removes them and everything under
// them.
type Page struct {
	ID      uint32
	From    Cursor
	To      Cursor
	Entries []Entry
	More    bool
	Drop    []RecID
}

// Poke tells a connected device that new changes in its scope committed.
type Poke struct{}

// Revoked tells a device it has been revoked: it must wipe its local data.
type Revoked struct {
	Reason string
}

// ErrorMsg reports a protocol error; the sender closes the connection.
type ErrorMsg struct {
	Code    string
	Message string
}

func (*Hello) Type() MsgType    { return THello }
func (*Welcome) Type() MsgType  { return TWelcome }
func (*Push) Type() MsgType     { return TPush }
func (*Ack) Type() MsgType      { return TAck }
func (*Pull) Type() MsgType     { return TPull }
func (*Page) Type() MsgType     { return TPage }
func (*Poke) Type() MsgType     { return TPoke }
func (*Revoked) Type() MsgType  { return TRevoked }
func (*ErrorMsg) Type() MsgType { return TError }

// Limits bound what a codec accepts and produces.
type Limits struct {
	MaxMessage int // bytes in one encoded message
	MaxBatch   int // changes in a push, entries in a page, acks in an ack
	MaxValue   int // bytes in one change value
	MaxString  int // bytes in any other string (ids, tokens, messages)
}

// DefaultLimits are the protocol's limits.
var DefaultLimits = Limits{MaxMessage: 1 << 20, MaxBatch: 10000, MaxValue: 64 << 10, MaxString: 1024}

func (l Limits) orDefault() Limits {
	if l.MaxMessage <= 0 {
		l.MaxMessage = DefaultLimits.MaxMessage
	}
	if l.MaxBatch <= 0 {
		l.MaxBatch = DefaultLimits.MaxBatch
	}
	if l.MaxValue <= 0 {
		l.MaxValue = DefaultLimits.MaxValue
	}
	if l.MaxString <= 0 {
		l.MaxString = DefaultLimits.MaxString
	}
	return l
}

// Codec turns messages into bytes and back. Decode never panics: any input
// either decodes to a message within the limits or returns an error.
type Codec interface {
	Encode(m Message) ([]byte, error)
	Decode(b []byte) (Message, error)
}
