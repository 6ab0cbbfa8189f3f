package uplink

import (
	"testing"
	"time"
)

// TestMatch ensures a 9014 is matched by QN first, otherwise by MN and send
// order, that an answer repeated for a frame already answered is not taken
// for the next one, and that an answer without MN is a terminal's own only
// on its own connection.
func TestMatch(t *testing.T) {
	const a, b = "MN-A", "MN-B"
	inflight := []flight{
		{id: 1, key: ackKey{a, "q1"}}, {id: 2, key: ackKey{b, "q2"}},
		{id: 3, key: ackKey{a, "q3"}}, {id: 4, key: ackKey{b, "q1"}}, // q1 again: two terminals, same millisecond
	}
	tests := []struct {
		name string
		all  bool // multiplexed connection
		k    ackKey
		want int
	}{
		{"QN and MN", true, ackKey{b, "q1"}, 3},
		{"QN and MN, the first of two", true, ackKey{a, "q1"}, 0},
		{"QN with the connection's first MN (first-MN centre)", true, ackKey{a, "q2"}, 1},
		{"fresh QN: oldest unanswered frame of the MN", true, ackKey{b, "fresh"}, 1},
		{"fresh QN, MN of the third frame", true, ackKey{a, "fresh"}, 0},
		{"answer repeated for a frame already answered", true, ackKey{a, "q0"}, repeated},
		{"unknown MN", true, ackKey{"MN-C", "fresh"}, -1},
		{"no MN on a multiplexed connection", true, ackKey{"", "fresh"}, -1},
		{"no MN on a terminal's own connection", false, ackKey{"", "fresh"}, 0},
		{"QN without MN", true, ackKey{"", "q3"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &session{l: &lane{all: tt.all}, inflight: inflight, recent: []string{"q0"}}
			if got := s.match(tt.k); got != tt.want {
				t.Errorf("match(%+v) = %d, want %d", tt.k, got, tt.want)
			}
		})
	}
}

// TestAnswerFallback ensures answers that match nothing switch the
// upstream to write-and-count after AckFallback of them in a row, the
// frames in flight then counting as delivered, and that a matched answer
// in between starts the count again.
func TestAnswerFallback(t *testing.T) {
	f := &Forwarder{}
	r := newRelay(f, Upstream{Addr: "city:1", AckFallback: 3})
	s := &session{l: &lane{r: r, all: true}, r: r, parts: map[int64]int{7: 1, 8: 1}, inflight: []flight{
		{id: 7, key: ackKey{"A", "q7"}, deadline: time.Now()}, {id: 8, key: ackKey{"A", "q8"}, deadline: time.Now()}}}
	s.answer(ackKey{"X", "n1"})
	s.answer(ackKey{"X", "n2"})
	s.answer(ackKey{"A", "q7"}) // matched: the count starts again
	s.answer(ackKey{"X", "n3"})
	s.answer(ackKey{"X", "n4"})
	if !r.acking() || len(s.inflight) != 1 {
		t.Fatalf("after 2 unmatched answers in a row: acking %v, %d in flight; want still waiting for frame 8", r.acking(), len(s.inflight))
	}
	s.answer(ackKey{"X", "n5"})
	if r.acking() || len(s.inflight) != 0 || s.delivered != 2 {
		t.Errorf("after 3 unmatched in a row: acking %v, %d in flight, %d delivered; want write-and-count, both delivered",
			r.acking(), len(s.inflight), s.delivered)
	}
	if st := r; st.strays != 5 {
		t.Errorf("strays = %d, want 5", st.strays)
	}
}
