package uplink

// The acknowledgement health of an upstream. A platform that never
// answers, or answers with something the relay cannot match, would
// otherwise get the first window of frames again and again and nothing
// newer (issue 17): after AckFallback frames in a row left unanswered past
// AckTimeout, or as many answers in a row that match nothing, the relay
// writes and counts instead, and says so in red (Status.WriteOnly).

// fallbackAfter is AckFallback with its default.
func (r *relay) fallbackAfter() int { return orDefault(r.up.AckFallback, 10) }

// acking reports whether frames still wait for their 9014.
func (r *relay) acking() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.writeOnly
}

// answered records a 9014 that matched a frame.
func (r *relay) answered() {
	r.mu.Lock()
	r.missed, r.unmatched = 0, 0
	r.mu.Unlock()
}

// stray records a 9014 that matched no frame in flight and reports whether
// the relay now writes and counts.
func (r *relay) stray(mn, qn string) bool {
	r.mu.Lock()
	r.strays++
	r.unmatched++
	tip := r.unmatched >= r.fallbackAfter() && !r.writeOnly
	r.mu.Unlock()
	r.log().Debug("9014 matches no frame in flight", "mn", mn, "qn", qn)
	if tip {
		r.fallBack("answers match no frame sent")
	}
	return !r.acking()
}

// expired records n frames that waited past AckTimeout unanswered and
// reports whether the relay now writes and counts. Any matched answer, on
// any of the upstream's connections, starts the count again: a slow
// upstream still answers some.
func (r *relay) expired(n int) bool {
	r.mu.Lock()
	r.missed += n
	tip := r.missed >= r.fallbackAfter() && !r.writeOnly
	r.mu.Unlock()
	if tip {
		r.fallBack("no 9014 answer")
	}
	return !r.acking()
}

func (r *relay) fallBack(why string) {
	r.mu.Lock()
	n := r.missed
	r.writeOnly = true
	r.mu.Unlock()
	r.log().Error("城市平台不应答 9014，改为写出即计 / the upstream does not acknowledge: frames now count as delivered once written; its receipt is no longer confirmed",
		"why", why, "unanswered", n, "after", r.fallbackAfter())
}
