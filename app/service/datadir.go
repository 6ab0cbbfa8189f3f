package service

import "os"

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
