package main

import (
	"fmt"
	"runtime/debug"
)

// version is set by the build (-ldflags "-X main.version=…"); otherwise it is
// read from the VCS stamp Go embeds.
var version = ""

// Version returns the app version: the release tag, or the git revision.
func Version() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "0.1.0+" + rev
}

func runVersion(e *env, args []string) error {
	fs := newFlags(e, "version", "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "powerwatch", Version())
	return nil
}
