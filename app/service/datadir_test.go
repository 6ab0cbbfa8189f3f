package service

import (
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

// TestFilesOfTheDatabase: the config and log files sit beside the database
// whatever its folder; a named config file wins; the config read carries
// the database it belongs to, and OpenLog writes where LogFileOf says.
func TestFilesOfTheDatabase(t *testing.T) {
	fsys := afero.NewMemMapFs()
	db := filepath.Join("/data", "pw", "powerwatch.db")
	if got, want := ConfigFileOf(db), filepath.Join("/data", "pw", "powerwatch.json"); got != want {
		t.Errorf("ConfigFileOf = %s, want %s", got, want)
	}
	if got, want := LogFileOf(db), filepath.Join("/data", "pw", "logs", "powerwatch.log"); got != want {
		t.Errorf("LogFileOf = %s, want %s", got, want)
	}
	t.Setenv("POWERWATCH_HOME", "/home/officer/pw")
	if got := DefaultDB(); got != filepath.Join("/home/officer/pw", "powerwatch.db") {
		t.Errorf("DefaultDB = %s", got)
	}
	afero.WriteFile(fsys, ConfigFileOf(db), []byte(`{"listen": "0.0.0.0:9300"}`), 0o644)
	afero.WriteFile(fsys, "/etc/pw.json", []byte(`{"listen": "0.0.0.0:9400"}`), 0o644)
	for _, c := range []struct{ path, listen string }{{"", "0.0.0.0:9300"}, {"/etc/pw.json", "0.0.0.0:9400"}} {
		cfg, err := LoadConfigFor(fsys, db, c.path)
		if err != nil || cfg.Listen != c.listen || cfg.DB != db {
			t.Errorf("LoadConfigFor(%q) = listen %s, db %s, %v; want %s, %s", c.path, cfg.Listen, cfg.DB, err, c.listen, db)
		}
	}
	m := NewMain()
	m.FS, m.Config.DB = fsys, db
	w, err := m.OpenLog()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("started\n"))
	w.Close()
	if b, err := afero.ReadFile(fsys, LogFileOf(db)); err != nil || string(b) != "started\n" {
		t.Errorf("log file: %q, %v", b, err)
	}
}

// TestOperatorName: the first login name the environment has, trimmed;
// "operator" when it has none.
func TestOperatorName(t *testing.T) {
	for _, c := range []struct{ username, user, logname, want string }{
		{"王科长", "wang", "", "王科长"},
		{"", " li ", "", "li"},
		{"", "", "zhao", "zhao"},
		{" ", "", "", "operator"},
	} {
		t.Setenv("USERNAME", c.username)
		t.Setenv("USER", c.user)
		t.Setenv("LOGNAME", c.logname)
		if got := OperatorName(); got != c.want {
			t.Errorf("OperatorName with %q/%q/%q = %q, want %q", c.username, c.user, c.logname, got, c.want)
		}
	}
}
