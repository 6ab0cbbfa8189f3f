package listener_test

import (
	"context"
	"io"
	"testing"

	"powerwatch/listener"
	"powerwatch/listener/hj212"
)

// FuzzServeConn feeds arbitrary bytes to a connection of a real Server: it
// must never panic (a recovered panic is counted in Stats.Panics) and must
// end the connection cleanly when the peer hangs up.
func FuzzServeConn(f *testing.F) {
	seeds := [][]byte{
		realtime(f, testMN, "20260302100000001", t0),
		frame(f, testMN, testPW, "20260302100000002", "1013", 5, t0),
		frame(f, testMN, testPW, "20260302100000003", "9011", 4, t0, hj212.Field{Key: "QnRtn", Value: "1"}),
		frame(f, testMN, testPW, "20260302100000004", "2051", 7, t0, hj212.Field{Key: "PNUM", Value: "2"}),
		frame(f, testMN, "bad", "20260302100000005", "2011", 5, t0),
		[]byte("##0010garbage\r\n##"),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN)}
		l := newPipeListener()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Serve(ctx, l) }()
		c := l.dial(t)
		go io.Copy(io.Discard, c.c)
		c.c.Write(data)
		c.c.Close()
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Serve: %v", err)
		}
		if st := s.Stats(); st.Panics != 0 {
			t.Fatalf("input %q caused a panic", data)
		}
	})
}
