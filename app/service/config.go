package service

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/spf13/afero"

	"powerwatch/listener"
)

//go:embed config_default.json
var defaultConfigJSON []byte

// Config is the service's configuration: a JSON file next to the database
// (powerwatch.json). Every field has a default (config_default.json, embedded),
// so the app runs without a file; a file need hold only what it changes.
type Config struct {
	DB       string         `json:"-"`      // database file, from --db
	Listen   string         `json:"listen"` // HJ 212 listen address
	Sync     string         `json:"sync"`   // SQLite synchronous mode: normal or full (survives power loss)
	Locale   string         `json:"locale"`
	Limits   LimitsConfig   `json:"limits"`
	Timing   TimingConfig   `json:"timing"`
	Uplink   UplinkConfig   `json:"uplink"`
	Schedule ScheduleConfig `json:"schedule"`
	Log      LogConfig      `json:"log"`
	Values   ValuesConfig   `json:"values"` // impossible values, refused at the door (values.go)

	Maintenance MaintenanceConfig `json:"maintenance"` // see schedule.go
	Import      ImportConfig      `json:"import"`      // see config_import.go
}

// LimitsConfig is listener.Limits in the file.
type LimitsConfig struct {
	MaxConns      int      `json:"max_conns"`
	MaxConnsPerIP int      `json:"max_conns_per_ip"`
	MaxFrame      int      `json:"max_frame"`
	IdleTimeout   Duration `json:"idle_timeout"`
	FrameTimeout  Duration `json:"frame_timeout"`
	WriteTimeout  Duration `json:"write_timeout"`
	MaxInFlight   int      `json:"max_in_flight"`
	WriteQueue    int      `json:"write_queue"`
	MaxBadFrames  int      `json:"max_bad_frames"`
	// MaxUnidentified caps connections not yet identified, from all
	// addresses; at it (and at max_conns_per_ip) the oldest is dropped.
	MaxUnidentified int `json:"max_unidentified"`
	// MaxQuarantineRows caps the quarantine list in the database; the least
	// recently seen entries beyond it are purged and counted.
	MaxQuarantineRows int `json:"max_quarantine_rows"`

	// Incomplete split uploads (issue 19): per terminal, in total, bytes, age.
	MaxSplitPerTerminal int      `json:"max_split_per_terminal"`
	MaxSplitTotal       int      `json:"max_split_total"`
	MaxSplitBytes       int      `json:"max_split_bytes"`
	SplitMaxAge         Duration `json:"split_max_age"`
}

// TimingConfig is listener.Timing in the file.
type TimingConfig struct {
	MaxBatch        int      `json:"max_batch"`
	BatchDelay      Duration `json:"batch_delay"`
	DefaultInterval Duration `json:"default_interval"`
	OfflineGrace    Duration `json:"offline_grace"`
	DriftLimit      Duration `json:"drift_limit"`
	CommandTimeout  Duration `json:"command_timeout"`
	CommandRetries  int      `json:"command_retries"`
	ExecTimeout     Duration `json:"exec_timeout"`
	GapDelay        Duration `json:"gap_delay"`
	RegistryTTL     Duration `json:"registry_ttl"`
	SplitAskAfter   Duration `json:"split_ask_after"`
}

// ScheduleConfig holds the cron specs (5 fields, Beijing time) of the periodic jobs.
type ScheduleConfig struct {
	OfflineSweep string `json:"offline_sweep"`
	UplinkFlush  string `json:"uplink_flush"`
	Aggregate    string `json:"aggregate"`
	Purge        string `json:"purge"`
	Backup       string `json:"backup"`
	// The maintenance duties of the guideline's §6.10 (app/maintenance).
	Communication string `json:"weekly_communication"`
	Transmission  string `json:"monthly_transmission"`
	Plausibility  string `json:"quarterly_plausibility"`
	Inspection    string `json:"halfyear_inspection"`
	// NightRule judges the night just ended (night_undertreatment): after
	// the rule set's NightTo hour.
	NightRule string `json:"night_rule"`
}

// LogConfig sizes the rotating log file in logs/ next to the database.
type LogConfig struct {
	MaxSizeMB int `json:"max_size_mb"`
	Keep      int `json:"keep"`
}

// Duration is a time.Duration written as text in the file ("30s", "15m").
type Duration time.Duration

// MarshalJSON writes d as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads text such as "90s" or "5m".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is text such as \"30s\" or \"5m\", not %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("%q is not a duration such as \"30s\" or \"5m\"", s)
	}
	*d = Duration(v)
	return nil
}

// DefaultConfig returns the embedded defaults.
func DefaultConfig() Config {
	var c Config
	if err := json.Unmarshal(defaultConfigJSON, &c); err != nil {
		panic("config_default.json: " + err.Error()) // a build mistake, caught by every test
	}
	return c
}

// LoadConfig reads the config file at path over the defaults. A missing file
// gives the defaults; an unknown key or a bad value is an error naming the
// file and the key.
func LoadConfig(fsys afero.Fs, path string) (Config, error) {
	c := DefaultConfig()
	b, err := afero.ReadFile(fsys, path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return c, nil
	case err != nil:
		return c, fmt.Errorf("read config %s: %w", path, err)
	}
	lines, strs, err := keyIndex(b) // config_lines.go: each key's line; duplicates refused
	if err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) || errors.As(err, &te) {
			return c, fmt.Errorf("config %s: %w", path, describeJSON(b, err))
		}
		return c, fmt.Errorf("config %s: %w", path, locate(err, lines, strs))
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("config %s: %w", path, locate(err, lines, strs))
	}
	return c, nil
}

// describeJSON adds the line number to a JSON syntax error.
func describeJSON(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("line %d: %w", 1+bytes.Count(b[:se.Offset], []byte("\n")), err)
	case errors.As(err, &te):
		return fmt.Errorf("line %d: key %q: %w", 1+bytes.Count(b[:te.Offset], []byte("\n")), te.Field, err)
	}
	return err
}

// Validate checks the values that the JSON types cannot.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("listen %q: want HOST:PORT such as 0.0.0.0:9212: %w", c.Listen, err)
	}
	switch strings.ToLower(c.Sync) {
	case "normal", "full":
	default:
		return fmt.Errorf("sync %q: want normal or full", c.Sync)
	}
	for _, j := range []struct{ name, spec string }{
		{"offline_sweep", c.Schedule.OfflineSweep}, {"uplink_flush", c.Schedule.UplinkFlush},
		{"aggregate", c.Schedule.Aggregate}, {"purge", c.Schedule.Purge}, {"backup", c.Schedule.Backup},
		{"weekly_communication", c.Schedule.Communication}, {"monthly_transmission", c.Schedule.Transmission},
		{"quarterly_plausibility", c.Schedule.Plausibility}, {"halfyear_inspection", c.Schedule.Inspection},
		{"night_rule", c.Schedule.NightRule},
	} {
		if _, err := cron.ParseStandard(j.spec); err != nil {
			return fmt.Errorf("schedule %s %q: %w", j.name, j.spec, err)
		}
	}
	if err := c.validateMaintenance(); err != nil {
		return err
	}
	if err := c.Uplink.validate(); err != nil { // uplink_wire.go
		return err
	}
	if err := c.Values.validate(); err != nil {
		return err
	}
	if err := c.Import.validate(); err != nil { // config_import.go
		return err
	}
	if c.Limits.MaxConns < 0 || c.Limits.MaxConnsPerIP < 0 || c.Limits.MaxFrame < 0 || c.Timing.MaxBatch < 0 ||
		c.Limits.MaxUnidentified < 0 || c.Limits.MaxQuarantineRows < 0 {
		return fmt.Errorf("limits: counts may not be negative")
	}
	if c.Limits.MaxSplitPerTerminal < 0 || c.Limits.MaxSplitTotal < 0 || c.Limits.MaxSplitBytes < 0 || c.Limits.SplitMaxAge < 0 {
		return fmt.Errorf("limits: max_split_per_terminal, max_split_total, max_split_bytes and split_max_age may not be negative")
	}
	return nil
}

// ListenerLimits converts the file's limits.
func (c Config) ListenerLimits() listener.Limits {
	l := c.Limits
	return listener.Limits{
		MaxConns: l.MaxConns, MaxConnsPerIP: l.MaxConnsPerIP, MaxFrame: l.MaxFrame,
		IdleTimeout: time.Duration(l.IdleTimeout), FrameTimeout: time.Duration(l.FrameTimeout),
		WriteTimeout: time.Duration(l.WriteTimeout), MaxInFlight: l.MaxInFlight, WriteQueue: l.WriteQueue,
		MaxBadFrames: l.MaxBadFrames, MaxUnidentified: l.MaxUnidentified,
		MaxSplitPerTerminal: l.MaxSplitPerTerminal, MaxSplitTotal: l.MaxSplitTotal, MaxSplitBytes: l.MaxSplitBytes,
		SplitMaxAge: time.Duration(l.SplitMaxAge),
	}
}

// ListenerTiming converts the file's timing.
func (c Config) ListenerTiming() listener.Timing {
	t := c.Timing
	return listener.Timing{
		MaxBatch: t.MaxBatch, BatchDelay: time.Duration(t.BatchDelay), DefaultInterval: time.Duration(t.DefaultInterval), OfflineGrace: time.Duration(t.OfflineGrace),
		DriftLimit: time.Duration(t.DriftLimit), CommandTimeout: time.Duration(t.CommandTimeout),
		CommandRetries: t.CommandRetries, ExecTimeout: time.Duration(t.ExecTimeout), GapDelay: time.Duration(t.GapDelay),
		RegistryTTL: time.Duration(t.RegistryTTL), SplitAskAfter: time.Duration(t.SplitAskAfter),
	}
}
