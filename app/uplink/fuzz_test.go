package uplink

import (
	"testing"

	"powerwatch/listener/hj212"
)

// FuzzPrepare ensures that preparing any stored frame for an upstream with
// an MN and password rewrite never panics, and that what it returns are
// frames the codec accepts, carrying the rewritten MN, none with a data
// segment over 1,024 bytes.
func FuzzPrepare(f *testing.F) {
	f.Add([]byte("##0101QN=20261129100000000;ST=44;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20261129100000&&"))
	f.Add([]byte("##0010CP=&&&&0000"))
	f.Add([]byte("MN=x;CP=&&"))
	u := &Upstream{MN: map[string]string{"010000A8900016F000169DC0": "CITY00000000000000000001"}, Password: "pw"}
	f.Fuzz(func(t *testing.T, payload []byte) {
		frs, err := u.prepare(payload)
		if err != nil {
			return
		}
		for _, fr := range frs {
			p, err := hj212.Parse(fr.bytes)
			if err != nil {
				t.Fatalf("prepare(%q) = %q, which does not parse: %v", payload, fr.bytes, err)
			}
			if p.MN != fr.mn || p.QN != fr.qn {
				t.Fatalf("prepare(%q): frame MN %q QN %q, recorded %q %q", payload, p.MN, p.QN, fr.mn, fr.qn)
			}
			if len(p.Segment()) > hj212.MaxSegment {
				t.Fatalf("prepare(%q): data segment of %d bytes, over %d", payload, len(p.Segment()), hj212.MaxSegment)
			}
		}
	})
}
