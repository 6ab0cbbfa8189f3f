// Package hj212 encodes and decodes HJ 212 frames (HJ/T 212-2005, HJ 212-2017
// and, as far as peers show it, HJ 212-2025): "##", a four-digit length, the
// data segment, a CRC16 of the segment and CR LF. It does no network I/O and
// knows nothing of stations or storage; it uses only the standard library.
//
// Section references are to the HJ 212-2017 text (approval copy of
// 2017-04-24); "2025 (peers)" marks rules known only from public
// implementations, since the 2025 text has not been read.
//
// # Reading
//
// Parse checks one frame and returns a Packet whose strings all point into
// one copy of the frame; CP values stay raw text and are converted when asked
// (Packet.Float, Packet.DataTime). A Reader (or SplitFunc for a
// bufio.Scanner) cuts a connection's byte stream into frames with bounded
// memory and resynchronises after garbage at the earliest "##" that starts
// a good frame; a length field promising more than the frame holds is
// reported as soon as a line break inside the promised bytes shows it, not
// when the promised bytes have come. Every failure is a *SyntaxError of
// one Kind — framing, length, crc, terminator, segment, field — wrapping one
// of the Err sentinels. Deviations that lose nothing (LF-only terminator,
// 13-digit QN, MN not 24 hex digits, segment over 1024 bytes) are accepted
// and listed in Packet.Warnings.
//
// # Writing
//
// Packet.AppendFrame frames a packet. DataAck, NotifyAck, RequestAck and
// ExecResult build the 90xx answers (ST=91, QN echoed, Flag with the sender's
// version bits and A=0). Terminal builds the centre's commands, validating
// intervals and passwords against Table 4.
//
// # Line tools
//
// For `powerwatch hj212`: DecodeLines turns frames, one a line, into JSON
// lines (AppendJSON); Packet.Frames encodes a packet as the frames to send,
// split into parts when its segment is too long, each parsed back first.
//
// # Subpackets
//
// Assembler joins the PNUM/PNO parts of a split upload, bounded in count and
// age, with time passed in.
//
// # SM4 encryption (HJ 212-2025)
//
// Peers say 2025 encrypts the CP content of data commands (CN 2000–2999),
// 1014 and 3020 with SM4-ECB and a per-terminal key. What we do not know — the
// padding, how the ciphertext is written into the frame (hex or base64), and
// which commands are encrypted — is a field of CipherOptions; the defaults are
// our best guess: zero padding, upper-case hex, the CN set above. The length
// field and CRC cover the segment as sent (with ciphertext). See EncryptCP.
package hj212
