package sqlite

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// The undo pages of a format 2 record (PWBK2) follow its header as one
// deflate stream of page number and page bytes, in ascending page order.
// Most pages a night changes held live-tier rows (frame text, plain
// samples) and index entries: one stream finds the text the frames of many
// pages share, which a page on its own cannot (a page of ten frames deflated
// alone kept two thirds of its bytes). Packed day blobs pass through as they
// are.

// writeUndoPages writes undo in ascending page order.
func writeUndoPages(w io.Writer, undo map[uint32][]byte) error {
	zw, _ := flate.NewWriter(w, flate.DefaultCompression)
	for _, pg := range slices.Sorted(mapsKeys(undo)) {
		if _, err := zw.Write(binary.BigEndian.AppendUint32(nil, pg)); err != nil {
			return err
		}
		if _, err := zw.Write(undo[pg]); err != nil {
			return err
		}
	}
	return zw.Close()
}

// readUndoPages reads r.undo pages of writeUndoPages from p into undo.
func readUndoPages(p []byte, r backupRecord, undo map[uint32][]byte) error {
	zr := flate.NewReader(bytes.NewReader(p))
	defer zr.Close()
	buf := bufio.NewReaderSize(zr, 1<<16)
	var hdr [4]byte
	for i := int64(0); i < r.undo; i++ {
		if _, err := io.ReadFull(buf, hdr[:]); err != nil {
			return fmt.Errorf("undo page %d of %d: %w", i+1, r.undo, err)
		}
		pg := binary.BigEndian.Uint32(hdr[:])
		page := make([]byte, r.pageSize)
		if _, err := io.ReadFull(buf, page); err != nil {
			return fmt.Errorf("undo page %d: %w", pg, err)
		}
		if _, dup := undo[pg]; dup {
			return fmt.Errorf("undo page %d twice", pg)
		}
		undo[pg] = page
	}
	if k, _ := buf.Read(hdr[:1]); k != 0 {
		return fmt.Errorf("bytes after the %d undo pages", r.undo)
	}
	return nil
}
