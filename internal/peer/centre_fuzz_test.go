package peer

import (
	"bufio"
	"bytes"
	"testing"
)

// FuzzCentreReadSegment ensures the centre's frame reader never panics and
// that a segment it returns without error carries a matching CRC.
func FuzzCentreReadSegment(f *testing.F) {
	f.Add([]byte("##0010CP=&&&&0000\r\n"))
	f.Add(centreWrap("QN=1;ST=91;CN=9014;MN=x;Flag=4;CP=&&&&"))
	f.Add([]byte("#x##-001"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReader(bytes.NewReader(b))
		for {
			seg, err := centreReadSegment(r)
			if err != nil {
				if err == errCentreCRC {
					continue
				}
				return
			}
			if !bytes.Contains(bytes.ToUpper(b), bytes.ToUpper(centreWrap(seg))) {
				t.Fatalf("segment %q returned, but its frame is not in the input", seg)
			}
			centreHeader(seg)
			centreCP(seg)
		}
	})
}
