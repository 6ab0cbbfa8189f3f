package sqlite

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// Undo pages of a format 2 record (PWBK2) are each stored as page number,
// stored length and bytes: deflated when that is smaller, else as they are
// (stored length = page size). Most pages a night changes held live-tier
// rows (frame text, plain samples) or index entries, which deflate to a
// fraction; packed day blobs do not shrink and stay as they are.

// writeUndoPages writes undo in ascending page order.
func writeUndoPages(w io.Writer, undo map[uint32][]byte) error {
	var z bytes.Buffer
	zw, _ := flate.NewWriter(&z, flate.BestSpeed)
	for _, pg := range slices.Sorted(mapsKeys(undo)) {
		data := undo[pg]
		z.Reset()
		zw.Reset(&z)
		zw.Write(data)
		zw.Close()
		out := data
		if z.Len() < len(data) {
			out = z.Bytes()
		}
		var hdr [8]byte
		binary.BigEndian.PutUint32(hdr[:4], pg)
		binary.BigEndian.PutUint32(hdr[4:], uint32(len(out)))
		if _, err := w.Write(hdr[:]); err != nil {
			return err
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	return nil
}

// readUndoPages reads r.undo pages of writeUndoPages from p into undo.
func readUndoPages(p []byte, r backupRecord, undo map[uint32][]byte) error {
	zr := flate.NewReader(nil)
	for i := int64(0); i < r.undo; i++ {
		if len(p) < 8 {
			return fmt.Errorf("undo page %d of %d cut short", i+1, r.undo)
		}
		pg, n := binary.BigEndian.Uint32(p), int(binary.BigEndian.Uint32(p[4:]))
		p = p[8:]
		if n > len(p) || n > r.pageSize {
			return fmt.Errorf("undo page %d: %d bytes stored", pg, n)
		}
		data := p[:n]
		p = p[n:]
		if n < r.pageSize {
			page := make([]byte, r.pageSize)
			zr.(flate.Resetter).Reset(bytes.NewReader(data), nil)
			if _, err := io.ReadFull(zr, page); err != nil {
				return fmt.Errorf("undo page %d: %w", pg, err)
			}
			if k, _ := zr.Read(make([]byte, 1)); k != 0 {
				return fmt.Errorf("undo page %d inflates past a page", pg)
			}
			data = page
		}
		if _, dup := undo[pg]; dup {
			return fmt.Errorf("undo page %d twice", pg)
		}
		undo[pg] = data
	}
	if len(p) != 0 {
		return fmt.Errorf("%d bytes after the undo pages", len(p))
	}
	return nil
}
