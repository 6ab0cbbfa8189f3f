package sqlite

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"powerwatch/store"
)

func pageHash(p []byte) [pageHashLen]byte {
	s := sha256.Sum256(p)
	return [pageHashLen]byte(s[:pageHashLen])
}

// digestOf is a state's digest: SHA-256 over its page hashes in order.
func digestOf(hashes [][pageHashLen]byte) [32]byte {
	h := sha256.New()
	for _, x := range hashes {
		h.Write(x[:])
	}
	return [32]byte(h.Sum(nil))
}

// applyUndo writes undo's pages into f and cuts it to r's size.
func applyUndo(f *os.File, r backupRecord, undo map[uint32][]byte) error {
	for pg, data := range undo {
		if int64(pg) > r.pages {
			continue
		}
		if _, err := f.WriteAt(data, int64(pg-1)*int64(r.pageSize)); err != nil {
			return err
		}
	}
	if err := f.Truncate(r.pages * int64(r.pageSize)); err != nil {
		return err
	}
	return f.Sync()
}

// hashFile returns the page hashes of the file at path.
func hashFile(path string, pageSize int) ([][pageHashLen]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][pageHashLen]byte
	buf := make([]byte, pageSize)
	for {
		_, err := io.ReadFull(f, buf)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, pageHash(buf))
	}
}

// recoverBackups rolls the image back to the newest record's state when a
// backup stopped after writing that record's undo pages, and returns the
// newest record (ok false: the folder has none, or no image).
func recoverBackups(dir string) (string, backupRecord, bool, error) {
	names, err := records(dir)
	if err != nil || len(names) == 0 {
		return "", backupRecord{}, false, err
	}
	if _, err := os.Stat(filepath.Join(dir, currentImage)); err != nil {
		return "", backupRecord{}, false, nil
	}
	newest := filepath.Join(dir, names[len(names)-1])
	r, undo, err := readRecord(newest, true)
	if err != nil {
		return "", r, false, err
	}
	if len(undo) > 0 {
		f, err := os.OpenFile(filepath.Join(dir, currentImage), os.O_RDWR, 0)
		if err != nil {
			return "", r, false, err
		}
		err = applyUndo(f, r, undo)
		f.Close()
		if err != nil {
			return "", r, false, fmt.Errorf("roll back an interrupted backup: %w", err)
		}
		if err := writeRecord(newest, r, nil); err != nil {
			return "", r, false, err
		}
		os.Remove(filepath.Join(dir, currentPages))
	}
	return newest, r, true, nil
}

// loadPages reads the page hash list of the image, rebuilding it from the
// image when it is missing or belongs to another state.
func loadPages(dir string, r backupRecord) ([][pageHashLen]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentPages))
	if err == nil && len(b) >= len(pagesMagic)+32 && string(b[:len(pagesMagic)]) == pagesMagic {
		var d [32]byte
		copy(d[:], b[len(pagesMagic):])
		rest := b[len(pagesMagic)+32:]
		if d == r.digest && int64(len(rest)) == r.pages*pageHashLen {
			out := make([][pageHashLen]byte, r.pages)
			for i := range out {
				copy(out[i][:], rest[i*pageHashLen:])
			}
			return out, nil
		}
	}
	hs, err := hashFile(filepath.Join(dir, currentImage), r.pageSize)
	if err != nil {
		return nil, err
	}
	if digestOf(hs) != r.digest {
		return nil, fmt.Errorf("%s: %w: the image does not match its newest record", currentImage, store.ErrCorrupt)
	}
	return hs, nil
}

func writePages(dir string, digest [32]byte, hs [][pageHashLen]byte) error {
	b := append([]byte(pagesMagic), digest[:]...)
	for _, h := range hs {
		b = append(b, h[:]...)
	}
	tmp := filepath.Join(dir, currentPages+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, currentPages))
}
