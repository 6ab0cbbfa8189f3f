package evidence_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/evidence"
	"powerwatch/csvsafe"
	"powerwatch/store"
)

func mustKey(tb testing.TB) ed25519.PrivateKey {
	tb.Helper()
	key, err := evidence.LoadOrCreateKey(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	return key
}

// TestLoadOrCreateKey: the first call makes a key only its owner can read,
// later calls read the same key, and a damaged key file is an error, not a
// silently new key.
func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	k1, err := evidence.LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := evidence.LoadOrCreateKey(dir)
	if err != nil || !k1.Equal(k2) {
		t.Fatalf("second load = %v; want the same key", err)
	}
	st, err := os.Stat(filepath.Join(dir, evidence.KeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, %v; want 0600", st.Mode(), err)
	}
	pub, err := evidence.LoadPublicKey(dir)
	if err != nil || !bytes.Equal(pub, k1.Public().(ed25519.PublicKey)) {
		t.Errorf("LoadPublicKey = %v", err)
	}
	if _, err := evidence.LoadPublicKey(t.TempDir()); err == nil {
		t.Error("LoadPublicKey of a folder without a key: no error")
	}
	os.WriteFile(filepath.Join(dir, evidence.KeyFile), []byte("garbage"), 0o600)
	if _, err := evidence.LoadOrCreateKey(dir); err == nil {
		t.Error("damaged key file: no error")
	}
	fp := evidence.Fingerprint(pub)
	if got, err := evidence.ParseFingerprint(strings.ToUpper(strings.ReplaceAll(fp, " ", ":"))); err != nil || got != strings.ReplaceAll(fp, " ", "") {
		t.Errorf("ParseFingerprint(%q) = %q, %v", fp, got, err)
	}
	if _, err := evidence.ParseFingerprint("abcd"); err == nil {
		t.Error("ParseFingerprint of 4 digits: no error")
	}
}

// rewriteManifest edits the manifest of dir as a forger would: change the
// file's content, recompute its size and hash in the manifest and SHA256SUMS.
func rewriteManifest(t *testing.T, dir, name string, content []byte) {
	t.Helper()
	var m evidence.Manifest
	b, _ := os.ReadFile(filepath.Join(dir, evidence.FileManifest))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, name), content, 0o644)
	var sums strings.Builder
	for i, f := range m.Files {
		if f.Name == name {
			h := sha256.Sum256(content)
			m.Files[i].SHA256, m.Files[i].Size = hex.EncodeToString(h[:]), int64(len(content))
		}
		fmt.Fprintf(&sums, "%s  %s\n", m.Files[i].SHA256, m.Files[i].Name)
	}
	mj, _ := json.MarshalIndent(m, "", "  ")
	os.WriteFile(filepath.Join(dir, evidence.FileManifest), append(mj, '\n'), 0o644)
	os.WriteFile(filepath.Join(dir, evidence.FileSums), []byte(sums.String()), 0o644)
}

// TestVerifyTampering exports a folder and changes it the ways a forger
// would; every change fails Verify with its own error, the untouched folder
// passes, and the export is in the audit log.
func TestVerifyTampering(t *testing.T) {
	db, a := district(t)
	ctx := t.Context()
	// A terminal's own fields reach raw_packets.csv: they must stay text there.
	at := time.Date(2026, 11, 2, 2, 10, 30, 0, store.Beijing)
	if _, err := db.Ingest(ctx, &store.Batch{Packets: []store.RawPacket{{MN: "010000A8900016F000169DC0", ST: "=cmd|' /C calc'!A0",
		CN: "@SUM(1)", QN: "-1+cmd|' /C calc'!A0", DataTime: at, ReceivedAt: at, CRCOK: true, Frame: []byte("##0010QN=x&&0000")}}}); err != nil {
		t.Fatal(err)
	}
	key := mustKey(t)
	trusted := key.Public().(ed25519.PublicKey)
	export := func(t *testing.T) string {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "ev")
		if _, err := evidence.Export(ctx, db, a.ID, dir, evidence.Options{Margin: time.Hour, Who: "李四", Key: key}); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	dir := export(t)
	raw, _ := os.ReadFile(filepath.Join(dir, evidence.FileRaw))
	if err := csvsafe.Check(raw); err != nil || !strings.Contains(string(raw), "'=cmd|' /C calc'!A0") {
		t.Errorf("%s: %v\n%s", evidence.FileRaw, err, raw)
	}
	audit, err := db.FindAudit(ctx, store.AuditFilter{Action: "export", Entity: "evidence", EntityID: a.ID})
	if err != nil || len(audit) != 1 || audit[0].Who != "李四" || !strings.Contains(audit[0].After, dir) ||
		!strings.Contains(audit[0].After, "manifest_sha256") {
		t.Errorf("audit of the export = %+v, %v; want one entry by 李四 naming the folder and the manifest's hash", audit, err)
	}
	if _, err := evidence.Verify(dir, trusted); err != nil {
		t.Fatalf("untouched folder: %v", err)
	}

	forged := func(t *testing.T, dir string) {
		b, _ := os.ReadFile(filepath.Join(dir, evidence.FileSeries))
		rewriteManifest(t, dir, evidence.FileSeries, bytes.Replace(b, []byte(",0.5,"), []byte(",40,"), 1))
	}
	tests := []struct {
		name    string
		tamper  func(t *testing.T, dir string)
		trusted ed25519.PublicKey
		want    error
	}{
		{"recomputed hashes", forged, nil, evidence.ErrSignature},
		{"recomputed hashes and re-signed with another key", func(t *testing.T, dir string) {
			forged(t, dir)
			_, other, _ := ed25519.GenerateKey(rand.Reader)
			pub := other.Public().(ed25519.PublicKey)
			var m evidence.Manifest
			b, _ := os.ReadFile(filepath.Join(dir, evidence.FileManifest))
			json.Unmarshal(b, &m)
			m.PublicKey, m.Fingerprint = base64.StdEncoding.EncodeToString(pub), evidence.Fingerprint(pub)
			mj, _ := json.MarshalIndent(m, "", "  ")
			mj = append(mj, '\n')
			os.WriteFile(filepath.Join(dir, evidence.FileManifest), mj, 0o644)
			os.WriteFile(filepath.Join(dir, evidence.FileSignature), []byte(base64.StdEncoding.EncodeToString(ed25519.Sign(other, mj))+"\n"), 0o644)
			os.WriteFile(filepath.Join(dir, evidence.FilePublicKey), []byte("ed25519 "+m.PublicKey+"\nSHA-256 指纹 fingerprint: "+m.Fingerprint+"\n"), 0o644)
		}, trusted, evidence.ErrOtherKey},
		{"a file added", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "补充说明.txt"), []byte("x"), 0o644)
		}, trusted, evidence.ErrAdded},
		{"a folder added", func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "more"), 0o755) }, trusted, evidence.ErrAdded},
		{"a file removed", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, evidence.FileFrames)) }, trusted, evidence.ErrMissing},
		{"a file removed from the manifest too", func(t *testing.T, dir string) {
			var m evidence.Manifest
			b, _ := os.ReadFile(filepath.Join(dir, evidence.FileManifest))
			json.Unmarshal(b, &m)
			m.Files = m.Files[:len(m.Files)-1]
			mj, _ := json.MarshalIndent(m, "", "  ")
			os.WriteFile(filepath.Join(dir, evidence.FileManifest), append(mj, '\n'), 0o644)
		}, trusted, evidence.ErrSignature},
		{"the signature removed", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, evidence.FileSignature)) }, trusted, evidence.ErrSignature},
		{"SHA256SUMS edited", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, evidence.FileSums), []byte("0000  evidence.pdf\n"), 0o644)
		}, trusted, evidence.ErrModified},
		{"the public key file replaced", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, evidence.FilePublicKey), []byte("ed25519 AAAA\n"), 0o644)
		}, trusted, evidence.ErrModified},
		{"verified against another trusted key", func(t *testing.T, dir string) {}, mustKey(t).Public().(ed25519.PublicKey), evidence.ErrOtherKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := export(t)
			tt.tamper(t, dir)
			if _, err := evidence.Verify(dir, tt.trusted); !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestVerifyTrusted: a folder checked against the published fingerprint
// (spaced or not), against the installation's key, or against no key at
// all (consistent, not checked); another fingerprint or another
// installation's key is ErrOtherKey.
func TestVerifyTrusted(t *testing.T) {
	db, a := district(t)
	keyDir, otherDir, noKeyDir := t.TempDir(), t.TempDir(), t.TempDir()
	if _, err := evidence.LoadOrCreateKey(otherDir); err != nil {
		t.Fatal(err)
	}
	dir, err := evidence.ExportFolder(t.Context(), db, a.ID, t.TempDir(), evidence.FolderOptions{Who: "李四", Now: time.Now(), KeyDir: keyDir})
	if err != nil {
		t.Fatal(err)
	}
	m, err := evidence.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, keyDir, fingerprint string
		checked                   bool
		err                       error
	}{
		{"published fingerprint", noKeyDir, m.Fingerprint, true, nil},
		{"fingerprint without spaces", noKeyDir, strings.ReplaceAll(m.Fingerprint, " ", ""), true, nil},
		{"installation's key", keyDir, "", true, nil},
		{"no key to compare with", noKeyDir, "", false, nil},
		{"another fingerprint", keyDir, strings.Repeat("ab", 32), false, evidence.ErrOtherKey},
		{"another installation's key", otherDir, "", false, evidence.ErrOtherKey},
	} {
		got, checked, err := evidence.VerifyTrusted(dir, c.keyDir, c.fingerprint)
		if checked != c.checked || !errors.Is(err, c.err) || (err == nil && got.AlarmID != a.ID) {
			t.Errorf("%s: checked %v, %v; want %v, %v", c.name, checked, err, c.checked, c.err)
		}
	}
}
