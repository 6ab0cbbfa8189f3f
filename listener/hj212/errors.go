package hj212

import (
	"errors"
	"fmt"
	"strconv"
)

// A Kind names the class of a syntax error. The CLI prints it as the prefix
// of an error line, so its String values are part of the command-line contract.
type Kind uint8

// The kinds of syntax error, one per check of the frame.
const (
	KindFraming    Kind = iota + 1 // no "##", garbage between frames, truncated stream
	KindLength                     // length field not 4 digits, wrong, or over the limit
	KindCRC                        // CRC field not 4 hex digits, or not the segment's CRC
	KindTerminator                 // no CR LF after the CRC
	KindSegment                    // the data segment does not follow the grammar
	KindField                      // a header or CP field has a bad value
)

var kindNames = [...]string{"", "framing", "length", "crc", "terminator", "segment", "field"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Errors returned inside a *SyntaxError, one per Kind (ErrTooLarge is of KindLength).
var (
	ErrFraming    = errors.New("no frame start \"##\"")
	ErrLength     = errors.New("bad length field")
	ErrTooLarge   = errors.New("frame exceeds limit")
	ErrChecksum   = errors.New("checksum mismatch")
	ErrTerminator = errors.New("missing CR LF terminator")
	ErrSegment    = errors.New("malformed data segment")
	ErrField      = errors.New("malformed field")
)

var kindErrs = [...]error{nil, ErrFraming, ErrLength, ErrChecksum, ErrTerminator, ErrSegment, ErrField}

// A SyntaxError reports what in a frame could not be read and where.
type SyntaxError struct {
	// Offset is the byte offset of the problem: from the start of the frame for
	// Parse, from the start of the stream for Reader.
	Offset int64
	Kind   Kind
	Field  string // "QN", "CP", "DataTime", … when known
	Detail string // what was wrong, in English, with the offending text quoted
	Err    error  // one of the Err values above
	// Frame is the rejected frame when its bounds were known (a bad CRC, a
	// segment that does not parse), so that the receiver can tell whose it
	// was; nil otherwise.
	Frame []byte
}

func (e *SyntaxError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("hj212: offset %d: %s: %s: %s", e.Offset, e.Kind, e.Field, e.Detail)
	}
	return fmt.Sprintf("hj212: offset %d: %s: %s", e.Offset, e.Kind, e.Detail)
}

// Unwrap returns the sentinel, so errors.Is(err, ErrChecksum) works.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Message is "<kind>: <detail>", the text `powerwatch hj212 decode` prints.
func (e *SyntaxError) Message() string {
	if e.Field != "" && e.Kind == KindField {
		return e.Kind.String() + ": " + e.Field + ": " + e.Detail
	}
	return e.Kind.String() + ": " + e.Detail
}

func syntaxErr(k Kind, off int, field, format string, a ...any) *SyntaxError {
	return &SyntaxError{Offset: int64(off), Kind: k, Field: field, Detail: fmt.Sprintf(format, a...), Err: kindErrs[k]}
}
