package proc

import (
	"bytes"
	"strings"
	"testing"
)

// TestClockPrint: one line per phase, in the order marked, under the title
// and the column heads; a clock started now counts from the command, not
// from the exec.
func TestClockPrint(t *testing.T) {
	for _, fromExec := range []bool{false, true} {
		c := NewClock(fromExec)
		if !fromExec {
			c.Title = "parts"
		}
		c.Mark("first phase")
		c.Mark("second phase")
		var b bytes.Buffer
		c.Print(&b)
		lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
		if len(lines) != 4 {
			t.Fatalf("fromExec %v: %d lines, want title, heads and 2 phases:\n%s", fromExec, len(lines), b.String())
		}
		if !fromExec && lines[0] != "parts" {
			t.Errorf("title %q, want parts", lines[0])
		}
		if fromExec && !strings.HasPrefix(lines[0], "desktop start-up") {
			t.Errorf("title %q, want the start-up title", lines[0])
		}
		for i, want := range []string{"phase", "first phase", "second phase"} {
			if !strings.HasSuffix(lines[i+1], want) {
				t.Errorf("fromExec %v: line %d %q does not end in %q", fromExec, i+2, lines[i+1], want)
			}
			if i > 0 && !strings.Contains(lines[i+1], " ms ") {
				t.Errorf("line %q has no time in ms", lines[i+1])
			}
		}
	}
}
