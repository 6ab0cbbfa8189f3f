package ui

import (
	"encoding/json"
	"os"
	"testing"
)

func TestScheduleWords(t *testing.T) {
	msgs := shippedMessages(t)
	zh, en := &translator{lang: Chinese, msgs: msgs}, &translator{lang: English, msgs: msgs}
	tests := []struct{ spec, zh, en string }{
		{"30 0 * * *", "每天 00:30", "daily at 00:30"},
		{"0 2 * * *", "每天 02:00", "daily at 02:00"},
		{"*/1 * * * *", "每分钟", "every minute"},
		{"*/5 * * * *", "每 5 分钟", "every 5 minutes"},
		{"30 8 * * 1", "每周一 08:30", "every Monday at 08:30"},
		{"0 9 * * 1,3", "每周一、周三 09:00", "every Monday, Wednesday at 09:00"},
		{"0 9 * * 7", "每周日 09:00", "every Sunday at 09:00"},
		{"0 2 1 * *", "每月1日 02:00", "monthly on day 1 at 02:00"},
		{"0 9 5 1,4,7,10 *", "每年1月、4月、7月、10月的5日 09:00", "on day 5 of Jan, Apr, Jul, Oct at 09:00"},
		{"0 9 1 1,7 *", "每年1月、7月的1日 09:00", "on day 1 of Jan, Jul at 09:00"},
		// Shapes not put in words are shown as they are.
		{"0 9-17 * * *", "自定义：0 9-17 * * *", "custom: 0 9-17 * * *"},
		{"0 9 1 * 1", "自定义：0 9 1 * 1", "custom: 0 9 1 * 1"},
		{"61 9 * * *", "自定义：61 9 * * *", "custom: 61 9 * * *"},
		{"@daily", "自定义：@daily", "custom: @daily"},
	}
	for _, tt := range tests {
		if got := scheduleWords(zh, tt.spec); got != tt.zh {
			t.Errorf("zh %q = %q, want %q", tt.spec, got, tt.zh)
		}
		if got := scheduleWords(en, tt.spec); got != tt.en {
			t.Errorf("en %q = %q, want %q", tt.spec, got, tt.en)
		}
	}
}

// TestShippedSchedulesInWords: every spec of the shipped config reads in
// words, none falls back to the raw spec.
func TestShippedSchedulesInWords(t *testing.T) {
	data, err := os.ReadFile("../app/service/config_default.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Schedule    map[string]string
		Maintenance struct{ Compact string }
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	zh := &translator{lang: Chinese, msgs: shippedMessages(t)}
	specs := map[string]string{"compact": cfg.Maintenance.Compact}
	for k, v := range cfg.Schedule {
		specs[k] = v
	}
	if len(specs) < 8 {
		t.Fatalf("read only %d specs from the config", len(specs))
	}
	for job, spec := range specs {
		if got := scheduleWords(zh, spec); got == zh.T("sched.custom", spec) {
			t.Errorf("%s: %q is not put in words", job, spec)
		}
	}
}
