package listener_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"powerwatch/listener"
	"powerwatch/listener/hj212"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, hj212.Beijing())

// TestServeAcknowledgesUploads runs Serve on 127.0.0.1 and checks the
// standard's answers: 9014 per upload with A=1 (duplicates included), none
// without A, none for an unregistered MN or a wrong password, 9013 to a
// notification, and the connection kept after garbage and an unknown CN.
func TestServeAcknowledgesUploads(t *testing.T) {
	rec := &memRecorder{}
	s := &listener.Server{Recorder: rec, Directory: newFakeDir(testMN)}
	c := dial(t, startServer(t, s))

	c.write(realtime(t, testMN, "20260302100000001", t0))
	if p := c.read(); p.CN != "9014" || p.QN != "20260302100000001" || p.ST != "91" || p.Flag != 4 {
		t.Fatalf("reply = CN %s QN %s ST %s Flag %d, want 9014 echoing the QN, ST 91, Flag 4", p.CN, p.QN, p.ST, p.Flag)
	}
	// The same upload again (a re-send with a new QN) is acknowledged too.
	c.write(realtime(t, testMN, "20260302100000002", t0))
	if p := c.read(); p.CN != "9014" || p.QN != "20260302100000002" {
		t.Fatalf("reply to duplicate = %s %s", p.CN, p.QN)
	}
	c.write([]byte("garbage ## not a frame\r\n##0010abc\r\n"))
	c.write(frame(t, testMN, testPW, "20260302100000003", "2011", 4, t0.Add(time.Minute))) // A=0: no answer
	c.write(frame(t, "FFFFFFFFFFFFFFFFFFFFFFFF", testPW, "20260302100000004", "2011", 5, t0))
	c.write(frame(t, testMN, "wrong", "20260302100000005", "2011", 5, t0))
	c.write(frame(t, testMN, testPW, "20260302100000006", "9021", 5, t0)) // vendor login: unknown CN
	c.write(frame(t, testMN, testPW, "20260302100000007", "2012", 5, t0)) // notification
	if p := c.read(); p.CN != "9013" || p.QN != "20260302100000007" {
		t.Fatalf("reply = %s %s, want 9013 to the notification (and nothing before it)", p.CN, p.QN)
	}
	c.write(realtime(t, testMN, "20260302100000008", t0.Add(2*time.Minute)))
	if p := c.read(); p.CN != "9014" || p.QN != "20260302100000008" {
		t.Fatalf("reply = %s %s, want 9014 after garbage and rejected packets", p.CN, p.QN)
	}

	if n := rec.count(); n != 4 {
		t.Errorf("recorded %d uploads, want 4 (two of t0, one without A, one at t0+2m)", n)
	}
	st := s.Stats()
	if rec.duplicates() != 1 || st.Acked != 3 || st.Quarantined != 2 || st.UnknownCN != 1 || st.BadFrames == 0 {
		t.Errorf("Stats = %+v", st)
	}
	q, err := s.Quarantine(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 2 {
		t.Fatalf("Quarantine = %+v, want the unregistered MN and the wrong password", q)
	}
	reasons := map[string]string{}
	for _, e := range q {
		reasons[e.MN] = e.Reason
		if e.Count != 1 || len(e.Sample) == 0 || e.RemoteAddr == "" {
			t.Errorf("quarantine entry %+v lacks count, sample or address", e)
		}
	}
	if reasons["FFFFFFFFFFFFFFFFFFFFFFFF"] != listener.ReasonUnregistered || reasons[testMN] != listener.ReasonBadPassword {
		t.Errorf("quarantine reasons = %v", reasons)
	}
}

// TestNoAckWhenRecordFails ensures that an upload whose batch failed is not
// acknowledged, so the terminal sends it again.
func TestNoAckWhenRecordFails(t *testing.T) {
	rec := &memRecorder{fail: errors.New("disk full")}
	s := &listener.Server{Recorder: rec, Directory: newFakeDir(testMN)}
	c := dial(t, startServer(t, s))
	c.write(realtime(t, testMN, "20260302100000001", t0))
	c.expectSilence(300 * time.Millisecond)
	if st := s.Stats(); st.RecordErrs != 1 || st.Acked != 0 {
		t.Errorf("Stats = %+v, want one failed batch and no ack", st)
	}
}

// TestEncrypted2025 ensures an HJ 212-2025 upload with an SM4-encrypted CP
// is decrypted with the terminal's key and stored, and that a wrong key
// sends it to the quarantine without an acknowledgement.
func TestEncrypted2025(t *testing.T) {
	const key = "0123456789ABCDEF0123456789ABCDEF"
	dir := newFakeDir(testMN)
	dir.regs[testMN].Terminal.SM4Key = key
	rec := &memRecorder{}
	s := &listener.Server{Recorder: rec, Directory: dir}
	c := dial(t, startServer(t, s))
	k, err := hj212.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := hj212.Parse(frame(t, testMN, testPW, "20260302100000001", "2011", 9, t0,
		hj212.Field{Key: "d20401-Rtd", Value: "7.5"}))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := plain.Encrypt(k, hj212.CipherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := enc.Encode()
	if err != nil {
		t.Fatal(err)
	}
	c.write(b)
	if p := c.read(); p.CN != "9014" || p.Flag != 8 {
		t.Fatalf("reply %s Flag %d, want 9014 with the 2025 version bits (8)", p.CN, p.Flag)
	}
	got := listener.Readings(rec.uploads[0].Packet, dir.regs[testMN].Points)
	if len(got) != 1 || got[0].P != 7.5 {
		t.Errorf("Readings of decrypted upload = %+v, want P 7.5", got)
	}

	dir.regs[testMN].Terminal.SM4Key = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
	s.Invalidate(testMN)
	c.write(b)
	c.expectSilence(300 * time.Millisecond)
	if st := s.Stats(); st.Quarantined != 1 {
		t.Errorf("Stats = %+v, want the packet with the wrong key quarantined", st)
	}
}

// TestShutdownDrains ensures that stopping the server while a batch is being
// committed still acknowledges it before the connection closes.
func TestShutdownDrains(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	rec := listener.RecorderFunc(func(ctx context.Context, batch []*listener.Upload) error {
		close(entered)
		<-release
		return nil
	})
	s := &listener.Server{Recorder: rec, Directory: newFakeDir(testMN)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	c := dial(t, ln.Addr().String())
	c.write(realtime(t, testMN, "20260302100000001", t0))
	<-entered
	cancel() // stop while the upload is inside Record
	close(release)
	if p := c.read(); p.CN != "9014" || p.QN != "20260302100000001" {
		t.Fatalf("reply %s %s, want the 9014 of the upload committed during shutdown", p.CN, p.QN)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := c.rd.ReadPacket(); err == nil {
		t.Error("connection still open after Serve returned")
	}
}
