package service

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/afero"
)

// LogFile is the service log: an io.Writer to path that moves path to
// path.1 (path.1 to
// path.2 …, keeping keep old files) when it would grow past max bytes.
type LogFile struct {
	fs   afero.Fs
	path string
	max  int64
	keep int

	mu   sync.Mutex
	f    afero.File
	size int64
}

// NewLogFile opens path for appending, creating its folder.
func NewLogFile(fsys afero.Fs, path string, max int64, keep int) (*LogFile, error) {
	if err := fsys.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create log folder: %w", err)
	}
	r := &LogFile{fs: fsys, path: path, max: max, keep: keep}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *LogFile) open() error {
	f, err := r.fs.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open log %s: %w", r.path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log %s: %w", r.path, err)
	}
	r.f, r.size = f, st.Size()
	return nil
}

// Write appends p, rotating first when the file would exceed its size.
func (r *LogFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.max > 0 && r.size > 0 && r.size+int64(len(p)) > r.max {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

func (r *LogFile) rotate() error {
	r.f.Close()
	keep := max(r.keep, 1)
	r.fs.Remove(fmt.Sprintf("%s.%d", r.path, keep))
	for i := keep - 1; i >= 1; i-- {
		r.fs.Rename(fmt.Sprintf("%s.%d", r.path, i), fmt.Sprintf("%s.%d", r.path, i+1))
	}
	if err := r.fs.Rename(r.path, r.path+".1"); err != nil {
		return fmt.Errorf("rotate log %s: %w", r.path, err)
	}
	return r.open()
}

// Close closes the file.
func (r *LogFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.f.Close()
}
