//go:build !windows

package ui

// computerRoots is the one root of a Unix file system (此电脑).
func computerRoots() []string { return []string{"/"} }
