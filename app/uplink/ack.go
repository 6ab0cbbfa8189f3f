package uplink

// The acknowledgement health of an upstream. A platform that never
// answers, or answers with something the relay cannot match, would
// otherwise get the first window of frames again and again and nothing
// newer (issue 17): after AckFallback frames without a matched answer, the
// relay writes and counts instead, and says so in red (Status.WriteOnly).

// fallbackAfter is AckFallback with its default.
func (r *relay) fallbackAfter() int { return orDefault(r.up.AckFallback, 10) }

// acking reports whether frames still wait for their 9014.
func (r *relay) acking() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.writeOnly
}

// wrote counts n frames written that ask an answer.
func (r *relay) wrote(n int) {
	r.mu.Lock()
	r.silent += n
	r.mu.Unlock()
}

// answered records a 9014 that matched a frame.
func (r *relay) answered() {
	r.mu.Lock()
	r.silent, r.unmatched = 0, 0
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

// expired records frames that waited past AckTimeout and reports whether
// the relay now writes and counts.
func (r *relay) expired() bool {
	r.mu.Lock()
	tip := r.silent >= r.fallbackAfter() && !r.writeOnly
	r.mu.Unlock()
	if tip {
		r.fallBack("no 9014 answer")
	}
	return !r.acking()
}

func (r *relay) fallBack(why string) {
	r.mu.Lock()
	n := r.silent
	r.writeOnly = true
	r.mu.Unlock()
	r.log().Error("城市平台不应答 9014，改为写出即计 / the upstream does not acknowledge: frames now count as delivered once written; its receipt is no longer confirmed",
		"why", why, "unanswered", n, "after", r.fallbackAfter())
}
