package service

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// TestLoadConfig checks defaults without a file, partial overrides, and that
// mistakes are reported with the file and what is wrong.
func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		file    string // "" means no file
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{name: "no file: embedded defaults", check: func(t *testing.T, c Config) {
			if c.Listen != "0.0.0.0:9212" || c.Sync != "full" || time.Duration(c.Limits.FrameTimeout) != 30*time.Second {
				t.Errorf("defaults = %+v", c)
			}
		}},
		{name: "partial file keeps the other defaults", file: `{"listen": "127.0.0.1:9300", "limits": {"max_conns_per_ip": 3000}}`,
			check: func(t *testing.T, c Config) {
				l := c.ListenerLimits()
				if c.Listen != "127.0.0.1:9300" || l.MaxConnsPerIP != 3000 || l.MaxConns != 10000 || l.IdleTimeout != 15*time.Minute {
					t.Errorf("config = %+v, limits %+v", c, l)
				}
			}},
		{name: "unknown key", file: `{"listen": "0.0.0.0:1", "lisen": "x"}`, wantErr: `unknown field "lisen"`},
		{name: "bad duration", file: "{\n\"limits\": {\"idle_timeout\": \"soon\"}}", wantErr: `"soon" is not a duration`},
		{name: "bad sync mode", file: `{"sync": "sometimes"}`, wantErr: `sync "sometimes"`},
		{name: "bad cron spec", file: `{"schedule": {"backup": "every night"}}`, wantErr: "schedule backup"},
		{name: "bad listen address", file: `{"listen": "9212"}`, wantErr: "listen"},
		{name: "syntax error with line", file: "{\n\"listen\": \"0.0.0.0:1\",\n}", wantErr: "line 3"},
		// Every mistake names its line and key.
		{name: "unknown key with line", file: "{\n\"listen\": \"0.0.0.0:1\",\n\"lisen\": \"x\"}", wantErr: `line 3: key "lisen" is not a setting`},
		{name: "unknown nested key with line", file: "{\"limits\": {\n\"max_conns\": 5,\n\"max_con\": 6}}", wantErr: `line 3: key "max_con"`},
		{name: "bad duration with line and key", file: "{\n\"limits\": {\"idle_timeout\": \"soon\"}}", wantErr: `line 2: key "limits.idle_timeout"`},
		{name: "bad value with line and key", file: "{\n\n\"sync\": \"sometimes\"}", wantErr: `line 3: key "sync"`},
		{name: "bad cron spec with line and key", file: "{\"schedule\": {\n\"backup\": \"every night\"}}", wantErr: `line 2: key "schedule.backup"`},
		{name: "bad limit with line and key", file: "{\"values\": {\n\"rated_factor\": 0.5}}", wantErr: `line 2: key "values.rated_factor"`},
		{name: "wrong type with line and key", file: "{\"limits\": {\n\"max_conns\": \"many\"}}", wantErr: `line 2`},
		{name: "duplicate key refused", file: "{\n\"sync\": \"normal\",\n\"sync\": \"full\"}", wantErr: `line 3: key "sync" appears twice (first on line 2)`},
		{name: "duplicate nested key refused", file: "{\"limits\": {\"max_conns\": 1,\n \"max_conns\": 2}}", wantErr: `key "limits.max_conns" appears twice`},
		{name: "the same key in two objects is fine", file: `{"uplink": {"hj212": [{"addr": "a:1"}, {"addr": "b:2"}]}}`, check: func(t *testing.T, c Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := afero.NewMemMapFs()
			if tt.file != "" {
				afero.WriteFile(fs, "/d/powerwatch.json", []byte(tt.file), 0o644)
			}
			c, err := LoadConfig(fs, "/d/powerwatch.json")
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "/d/powerwatch.json")):
				t.Fatalf("LoadConfig error = %v, want one naming the file and %q", err, tt.wantErr)
			case tt.wantErr == "" && err != nil:
				t.Fatalf("LoadConfig: %v", err)
			case tt.check != nil:
				tt.check(t, c)
			}
		})
	}
}

// TestRotatingFile ensures the log moves to .1, .2 … and keeps only keep old files.
func TestRotatingFile(t *testing.T) {
	fs := afero.NewMemMapFs()
	r, err := NewLogFile(fs, "/d/logs/p.log", 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("x", 59) + "\n")
	for range 5 {
		if _, err := r.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	r.Close()
	for name, want := range map[string]bool{"/d/logs/p.log": true, "/d/logs/p.log.1": true, "/d/logs/p.log.2": true, "/d/logs/p.log.3": false} {
		if ok, _ := afero.Exists(fs, name); ok != want {
			t.Errorf("%s exists = %v, want %v", name, ok, want)
		}
	}
}
