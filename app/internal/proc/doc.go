// Package proc tells what the operating system knows of this process: its
// CPU time and its start, for the start-up and load benchmarks.
package proc
