package listener_test

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"powerwatch/listener"
	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// identify makes the connection known as testMN with one acknowledged
// upload. It returns what the server sent before the 9014 (queued commands go
// out as soon as the terminal is identified, before its upload is committed).
func identify(t *testing.T, c *client, at time.Time) []*hj212.Packet {
	t.Helper()
	c.write(realtime(t, testMN, "20260302100000001", at))
	var before []*hj212.Packet
	for {
		p := c.read()
		if p.CN == "9014" {
			return before
		}
		before = append(before, p)
	}
}

func lastCommand(t *testing.T, s *listener.Server) store.Command {
	t.Helper()
	cs, err := s.Commands(t.Context(), testMN)
	if err != nil || len(cs) == 0 {
		t.Fatalf("Commands = %v, %v", cs, err)
	}
	return cs[len(cs)-1]
}

// TestCommandAnswered ensures a queued command is sent once the terminal is
// connected and that its 9011 and 9012 are recorded.
func TestCommandAnswered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN), Journal: &journal{}}
		l, stop := bubble(t, s)
		defer stop()
		cmd, err := listener.SetRealtimeInterval(testMN, 300*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EnqueueCommand(t.Context(), cmd); err != nil {
			t.Fatal(err)
		}
		c := l.dial(t)
		early := identify(t, c, time.Now())
		if len(early) != 1 {
			t.Fatalf("got %d packets before the 9014, want the queued command", len(early))
		}
		req := early[0]
		if v, _ := req.Get("RtdInterval"); req.CN != "1062" || v != "300" || !req.Flag.Answer() || req.PW != testPW || len(req.QN) != 17 {
			t.Fatalf("request = CN %s RtdInterval %s Flag %d PW %s QN %s", req.CN, v, req.Flag, req.PW, req.QN)
		}
		for _, r := range []*hj212.Packet{hj212.RequestAck(req, hj212.QnReady), hj212.ExecResult(req, hj212.ExeSuccess)} {
			b, err := r.Encode()
			if err != nil {
				t.Fatal(err)
			}
			c.write(b)
		}
		synctest.Wait()
		got := lastCommand(t, s)
		if got.Status != store.CommandDone || got.QnRtn != 1 || got.ExeRtn != 1 || got.Tries != 1 || got.QN != req.QN {
			t.Errorf("command = %+v, want done with QnRtn 1 and ExeRtn 1 after one try", got)
		}
	})
}

// TestCommandRetries ensures the standard's OverTime and ReCount: without a
// 9011 the request is sent again every OverTime, ReCount times, with the same
// QN, and then fails.
func TestCommandRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN), Journal: &journal{},
			Timing: listener.Timing{CommandTimeout: 10 * time.Second, CommandRetries: 3}}
		l, stop := bubble(t, s)
		defer stop()
		c := l.dial(t)
		identify(t, c, time.Now())
		if _, err := s.EnqueueCommand(t.Context(), listener.ReadTime(testMN)); err != nil {
			t.Fatal(err)
		}
		var qn string
		for try := 1; try <= 4; try++ {
			req := c.read()
			if req.CN != "1011" || (qn != "" && req.QN != qn) {
				t.Fatalf("try %d: CN %s QN %s, want 1011 with QN %s", try, req.CN, req.QN, qn)
			}
			qn = req.QN
		}
		time.Sleep(15 * time.Second)
		synctest.Wait()
		got := lastCommand(t, s)
		if got.Status != store.CommandFailed || got.Tries != 4 || !strings.Contains(got.Result, "no 9011") {
			t.Errorf("command = %+v, want failed after 4 tries", got)
		}
	})
}

// TestTimeCalibration ensures a 1013 is answered with 9013 and then a 1012
// carrying the centre's time — and the PolId of the 1013 when it had one,
// so that the instrument's clock is set, not the logger's.
func TestTimeCalibration(t *testing.T) {
	for _, polID := range []string{"", "d20405"} {
		synctest.Test(t, func(t *testing.T) {
			s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN), Journal: &journal{}}
			l, stop := bubble(t, s)
			defer stop()
			c := l.dial(t)
			var cp []hj212.Field
			if polID != "" {
				cp = append(cp, hj212.Field{Key: "PolId", Value: polID})
			}
			c.write(frame(t, testMN, testPW, "20260302100000009", "1013", 5, time.Now(), cp...))
			if p := c.read(); p.CN != "9013" || p.QN != "20260302100000009" {
				t.Fatalf("reply %s %s, want 9013 echoing the QN", p.CN, p.QN)
			}
			set := c.read()
			if v, _ := set.Get("SystemTime"); set.CN != "1012" || v != hj212.FormatN14(time.Now()) {
				t.Errorf("then %s SystemTime=%s, want 1012 with the centre's time %s", set.CN, v, hj212.FormatN14(time.Now()))
			}
			if v, ok := set.Get("PolId"); v != polID || ok != (polID != "") {
				t.Errorf("1012 PolId = %q (present %v), want %q", v, ok, polID)
			}
		})
	}
}

// TestCommandValidation ensures values outside the standard's ranges are refused.
func TestCommandValidation(t *testing.T) {
	if _, err := listener.SetRealtimeInterval(testMN, 10*time.Second); err == nil {
		t.Error("SetRealtimeInterval(10 s) accepted; the standard allows 30–3600 s")
	}
	if _, err := listener.SetMinuteInterval(testMN, 7*time.Minute); err == nil {
		t.Error("SetMinuteInterval(7 min) accepted; 7 is not an allowed MinInterval")
	}
	if _, err := listener.HistoryPull(testMN, "2051", t0, t0.Add(-time.Hour)); err == nil {
		t.Error("HistoryPull with end before begin accepted")
	}
	s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN)}
	if _, err := s.EnqueueCommand(t.Context(), store.Command{MN: testMN, CN: "1062", CP: "RtdInterval=5"}); err == nil {
		t.Error("EnqueueCommand(RtdInterval=5) accepted")
	}
	if _, err := s.EnqueueCommand(t.Context(), store.Command{MN: testMN, CN: "9999"}); err == nil {
		t.Error("EnqueueCommand(CN 9999) accepted")
	}
}
