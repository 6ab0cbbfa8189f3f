package service

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"
)

// The data folder and the files kept beside the database: one place for
// their names, used by serve, the desktop and every command.

// DataDir is the user's data folder: %AppData%\powerwatch on Windows,
// $XDG_DATA_HOME/powerwatch or ~/.local/share/powerwatch elsewhere.
func DataDir() string {
	if d := os.Getenv("POWERWATCH_HOME"); d != "" {
		return d
	}
	if d := os.Getenv("AppData"); d != "" {
		return d + string(os.PathSeparator) + "powerwatch"
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return d + "/powerwatch"
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	return home + "/.local/share/powerwatch"
}

// DefaultDB is the database when none is named: powerwatch.db in DataDir.
func DefaultDB() string { return filepath.Join(DataDir(), "powerwatch.db") }

// ConfigFileOf is the config file of the database at db when none is
// named: powerwatch.json next to it.
func ConfigFileOf(db string) string { return filepath.Join(filepath.Dir(db), "powerwatch.json") }

// LogFileOf is the service's log file of the database at db:
// logs/powerwatch.log next to it.
func LogFileOf(db string) string { return filepath.Join(filepath.Dir(db), "logs", "powerwatch.log") }

// LoadConfigFor reads the config of the database at db from path, or from
// ConfigFileOf(db) when path is "", with its DB set to db.
func LoadConfigFor(fsys afero.Fs, db, path string) (Config, error) {
	if path == "" {
		path = ConfigFileOf(db)
	}
	c, err := LoadConfig(fsys, path)
	c.DB = db
	return c, err
}

// OpenLog opens the service's log file (LogFileOf its database), rotated
// at the config's size and keeping its number of old files.
func (m *Main) OpenLog() (*LogFile, error) {
	return NewLogFile(m.FS, LogFileOf(m.Config.DB), int64(m.Config.Log.MaxSizeMB)<<20, m.Config.Log.Keep)
}

// OperatorName is who the audit log names when nobody typed a name: the
// operating system's login name (USERNAME on Windows, USER or LOGNAME
// elsewhere), else "operator".
func OperatorName() string {
	for _, k := range []string{"USERNAME", "USER", "LOGNAME"} {
		if v := strings.TrimSpace(os.Getenv(k)); v != "" {
			return v
		}
	}
	return "operator"
}
