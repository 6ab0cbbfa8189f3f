package main

import (
	"bytes"
	"flag"
	"reflect"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantPos []string
		wantDB  string
		wantErr bool
	}{
		{"flags after positionals", []string{"reg.xlsx", "--db", "d.db"}, []string{"reg.xlsx"}, "d.db", false},
		{"flags before positionals", []string{"--db", "d.db", "reg.xlsx"}, []string{"reg.xlsx"}, "d.db", false},
		{"flags between", []string{"a", "-db=x.db", "b"}, []string{"a", "b"}, "x.db", false},
		{"double dash keeps dashes", []string{"--", "-a", "--db"}, []string{"-a", "--db"}, "", false},
		{"unknown flag is a usage error", []string{"--nope"}, nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("x", flag.ContinueOnError)
			fs.SetOutput(new(bytes.Buffer))
			db := fs.String("db", "", "")
			pos, err := parseFlags(fs, tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseFlags(%q) err = %v, wantErr %v", tt.args, err, tt.wantErr)
			}
			if tt.wantErr {
				if _, ok := err.(usageError); !ok {
					t.Errorf("parseFlags(%q) err = %T, want usageError", tt.args, err)
				}
				return
			}
			if !reflect.DeepEqual(pos, tt.wantPos) || *db != tt.wantDB {
				t.Errorf("parseFlags(%q) = %q, db %q; want %q, db %q", tt.args, pos, *db, tt.wantPos, tt.wantDB)
			}
		})
	}
}

func TestDispatch(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"version"}, 0, "powerwatch "},
		{[]string{"help"}, 0, "commands:"},
		{[]string{"no-such-command"}, 2, "unknown command"},
		{[]string{"version", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"--tray", "extra"}, 2, "no arguments but --tray"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		e := &env{ctx: t.Context(), stdin: strings.NewReader(""), stdout: &out, stderr: &out}
		if code := dispatch(e, tt.args); code != tt.wantCode {
			t.Errorf("dispatch(%q) = %d, want %d; output:\n%s", tt.args, code, tt.wantCode, out.String())
		}
		if !strings.Contains(out.String(), tt.wantOut) {
			t.Errorf("dispatch(%q) output %q does not contain %q", tt.args, out.String(), tt.wantOut)
		}
	}
}
