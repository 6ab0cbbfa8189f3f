package service

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/afero"
)

// configPath is the config file Main was started with: ConfigPath, or
// powerwatch.json next to the database.
func (m *Main) configPath() string {
	if m.ConfigPath != "" {
		return m.ConfigPath
	}
	return ConfigFileOf(m.Config.DB)
}

// Upstreams are the uplink's targets as 设置 edits them: addresses only;
// the options of each (MN map, password, …) stay in the file.
type Upstreams struct {
	HJ212  []string // HOST:PORT of city HJ 212 platforms
	HTTP   []string // URLs the shared-data JSON is pushed to
	Folder string   // a folder it is written to; "" for none
}

// Upstreams returns the upstreams now configured.
func (m *Main) Upstreams() Upstreams {
	m.uplinkMu.Lock()
	u := m.Config.Uplink
	m.uplinkMu.Unlock()
	return Upstreams{HJ212: u.targets(), HTTP: append([]string(nil), u.HTTP...), Folder: u.Folder}
}

// SetUpstreams writes the upstreams edited in 设置 into the config
// file, keeping every other key of the file and the options (MN map,
// password, …) of upstreams that stay, and puts them to work at once: the
// running relay and exporters are replaced (applyUplink).
func (m *Main) SetUpstreams(s Upstreams) error {
	m.uplinkMu.Lock()
	next := m.Config.Uplink
	m.uplinkMu.Unlock()
	old := map[string]UpstreamConfig{}
	for _, u := range next.HJ212 {
		old[u.Addr] = u
	}
	next.HJ212 = nil
	for _, a := range s.HJ212 {
		u, ok := old[a]
		if !ok {
			u = UpstreamConfig{Addr: a}
		}
		next.HJ212 = append(next.HJ212, u)
	}
	next.HTTP, next.Folder = s.HTTP, s.Folder
	if err := next.validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidSetting, err)
	}
	if err := writeConfigKey(m.FS, m.configPath(), "uplink", next); err != nil {
		return err
	}
	m.applyUplink(next)
	return nil
}

// ErrInvalidSetting marks a value an officer typed that cannot work.
var ErrInvalidSetting = errors.New("invalid setting")

// writeConfigKey sets one top-level key of the JSON config file at path,
// leaving the others as they are, and creates the file if needed.
func writeConfigKey(fsys afero.Fs, path, key string, v any) error {
	doc := map[string]json.RawMessage{}
	b, err := afero.ReadFile(fsys, path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("read config %s: %w", path, err)
	default:
		if err := json.Unmarshal(b, &doc); err != nil {
			return fmt.Errorf("config %s: %w", path, err)
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	doc[key] = raw
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := afero.WriteFile(fsys, path+".tmp", append(out, '\n'), 0o644); err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	if err := fsys.Rename(path+".tmp", path); err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	return nil
}
