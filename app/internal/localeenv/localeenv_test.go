package localeenv

import "testing"

func TestFix(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "POSIX.utf8"}, "en"},
		{map[string]string{"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "zh_CN"}, ""},
		{map[string]string{"LANG": "C"}, ""},
		{map[string]string{}, ""},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, ""},
		{map[string]string{"LC_MESSAGES": "en_US.UTF-8", "LANG": "C.UTF-8"}, ""},
		{map[string]string{"LANG": "Chinese"}, ""}, // not C: left to Fyne
	}
	for _, tt := range tests {
		if got := Fix(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("Fix(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}
