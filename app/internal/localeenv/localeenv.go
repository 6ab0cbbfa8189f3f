// Package localeenv keeps Fyne quiet about a C locale. Fyne's lang package
// reads the locale from LC_ALL, LC_MESSAGES or LANG when it initialises and
// logs "Error parsing user locale C" to stderr for C.UTF-8 or POSIX.UTF-8
// (common on servers and in containers), before main runs: every CLI
// command's stderr carried that line. Package main imports this package for
// its side effect; its init runs before Fyne's (Go initialises the packages
// that are ready in import-path order, and Fyne's lang waits for
// text/template, which waits for os, after which this package is first), and
// sets LANGUAGE=en for such a locale. glibc ignores LANGUAGE in the C locale,
// so nothing else a child process does changes.
package localeenv

import "os"

func init() {
	if v := Fix(os.Getenv); v != "" {
		os.Setenv("LANGUAGE", v)
	}
}

// Fix returns the LANGUAGE to set for the environment getenv reads, or "" to
// leave it alone: a locale that is C or POSIX with a suffix (which Fyne
// cannot parse) and no LANGUAGE of its own gets "en".
func Fix(getenv func(string) string) string {
	var loc string
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(k); loc != "" {
			break
		}
	}
	if loc == "C" || loc == "POSIX" || loc == "" || getenv("LANGUAGE") != "" {
		return "" // Fyne reads these as no locale, quietly
	}
	base := loc
	for i, r := range loc {
		if r == '.' || r == '@' || r == '_' {
			base = loc[:i]
			break
		}
	}
	if base == "C" || base == "POSIX" {
		return "en"
	}
	return ""
}
