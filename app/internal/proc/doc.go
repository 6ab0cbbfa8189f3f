// Package proc tells what the operating system knows of this process: its
// CPU time and its start, for the start-up and load benchmarks, and a Clock
// that marks the phases of a start in wall and CPU time.
package proc
