package hj212

// crcTable is the reflected 0xA001 table (CRC-16/ARC): crcTable[i] is the
// register after feeding byte i into a zero register.
//
// HJ212-2017 Appendix A feeds each byte as r = (r >> 8) XOR b before the eight
// shift/XOR steps, so one step is r = crcTable[(r>>8) ^ b]: only the high byte
// of the register survives a step. That is not CRC-16/MODBUS (r XOR b), which
// several peers ship by mistake.
var crcTable = func() (t [256]uint16) {
	for i := range t {
		r := uint16(i)
		for range 8 {
			if r&1 == 1 {
				r = r>>1 ^ 0xA001
			} else {
				r >>= 1
			}
		}
		t[i] = r
	}
	return t
}()

// crcHigh[k][x] is the high byte of the register after k+1 steps that start
// from high byte x and feed zero bytes. Because a step only keeps the high
// byte and the table is linear over GF(2), eight input bytes fold into eight
// independent lookups (slicing-by-8); see Checksum.
var crcHigh = func() (t [8][256]byte) {
	for x := range 256 {
		t[0][x] = byte(crcTable[x] >> 8)
	}
	for k := 1; k < 8; k++ {
		for x := range 256 {
			t[k][x] = t[0][t[k-1][x]]
		}
	}
	return t
}()

// Checksum returns the HJ 212 CRC16 of b (HJ212-2017 Appendix A): init 0xFFFF,
// poly 0xA001 reflected, fed as (r >> 8) XOR byte, no final XOR. The frame
// carries it as four upper-case hex digits, high byte first.
func Checksum(b []byte) uint16 {
	if len(b) == 0 {
		return 0xFFFF
	}
	h := byte(0xFF) // high byte of the register; the low byte never matters until the end
	last := len(b) - 1
	body := b[:last]
	for len(body) >= 8 {
		h = crcHigh[7][h^body[0]] ^ crcHigh[6][body[1]] ^ crcHigh[5][body[2]] ^ crcHigh[4][body[3]] ^
			crcHigh[3][body[4]] ^ crcHigh[2][body[5]] ^ crcHigh[1][body[6]] ^ crcHigh[0][body[7]]
		body = body[8:]
	}
	for _, c := range body {
		h = crcHigh[0][h^c]
	}
	return crcTable[h^b[last]]
}

// checksumString is Checksum over a string without copying it.
func checksumString(s string) uint16 {
	if len(s) == 0 {
		return 0xFFFF
	}
	h := byte(0xFF)
	last := len(s) - 1
	i := 0
	for ; i+8 <= last; i += 8 {
		h = crcHigh[7][h^s[i]] ^ crcHigh[6][s[i+1]] ^ crcHigh[5][s[i+2]] ^ crcHigh[4][s[i+3]] ^
			crcHigh[3][s[i+4]] ^ crcHigh[2][s[i+5]] ^ crcHigh[1][s[i+6]] ^ crcHigh[0][s[i+7]]
	}
	for ; i < last; i++ {
		h = crcHigh[0][h^s[i]]
	}
	return crcTable[h^s[last]]
}

const hexUpper = "0123456789ABCDEF"

// appendCRC appends c as four upper-case hex digits, high byte first.
func appendCRC(b []byte, c uint16) []byte {
	return append(b, hexUpper[c>>12], hexUpper[c>>8&0xF], hexUpper[c>>4&0xF], hexUpper[c&0xF])
}

// parseCRC reads four hex digits of either case.
func parseCRC(b []byte) (uint16, bool) {
	if len(b) != 4 {
		return 0, false
	}
	var v uint16
	for _, c := range b {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		default:
			return 0, false
		}
		v = v<<4 | uint16(d)
	}
	return v, true
}

// ModbusChecksum is CRC-16/MODBUS (register 0xFFFF, r XOR b, poly 0xA001),
// which several peer implementations send instead of the HJ 212 CRC
// (hj212.md §2). It is never accepted; it only lets a receiver say why a
// terminal's frames are rejected.
func ModbusChecksum(b []byte) uint16 {
	r := uint16(0xFFFF)
	for _, c := range b {
		r ^= uint16(c)
		for range 8 {
			if r&1 != 0 {
				r = r>>1 ^ 0xA001
			} else {
				r >>= 1
			}
		}
	}
	return r
}
