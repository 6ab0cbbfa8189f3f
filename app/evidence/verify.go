package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Errors joined in Verify's error, one per finding.
var (
	ErrModified  = errors.New("evidence file changed since export")
	ErrMissing   = errors.New("evidence file removed since export")
	ErrAdded     = errors.New("file added to the evidence folder since export")
	ErrSignature = errors.New("manifest signature missing or invalid")
	ErrOtherKey  = errors.New("evidence signed with another key than the trusted one")
)

// metaFiles are the folder's files that describe the others.
var metaFiles = map[string]bool{FileManifest: true, FileSignature: true, FilePublicKey: true, FileSums: true}

// Verify checks the evidence folder dir: the manifest's signature with the
// public key it names, that key against trusted (when not nil: the
// installation's key or one the bureau published), every listed file's size
// and SHA-256, that no file was added or removed, and that SHA256SUMS and
// the public key file say what the manifest says. The error joins one error
// per finding; the manifest is returned as read.
func Verify(dir string, trusted ed25519.PublicKey) (Manifest, error) {
	var m Manifest
	fail := func(err error) (Manifest, error) { return m, fmt.Errorf("verify evidence %s: %w", dir, err) }
	data, err := os.ReadFile(filepath.Join(dir, FileManifest))
	if err != nil {
		return fail(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return fail(fmt.Errorf("read manifest: %w", err))
	}
	var errs []error
	pub, err := base64.StdEncoding.DecodeString(m.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		errs = append(errs, fmt.Errorf("%s names no Ed25519 public key: %w", FileManifest, ErrSignature))
		pub = nil
	}
	if pub != nil {
		sig, err := os.ReadFile(filepath.Join(dir, FileSignature))
		raw, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sig)))
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w: %w", FileSignature, ErrSignature, err))
		case derr != nil || !ed25519.Verify(pub, data, raw):
			errs = append(errs, fmt.Errorf("%s does not match %s: %w", FileSignature, FileManifest, ErrSignature))
		}
		if trusted != nil && !bytes.Equal(pub, trusted) {
			errs = append(errs, fmt.Errorf("signed by key %s, trusted key is %s: %w", Fingerprint(pub), Fingerprint(trusted), ErrOtherKey))
		}
		if txt, err := os.ReadFile(filepath.Join(dir, FilePublicKey)); err != nil || !bytes.Equal(txt, publicKeyText(pub)) {
			errs = append(errs, fmt.Errorf("%s differs from the key in %s: %w", FilePublicKey, FileManifest, ErrModified))
		}
	}
	listed := map[string]bool{}
	var sums strings.Builder
	for _, f := range m.Files {
		name := filepath.Base(f.Name)
		listed[name] = true
		fmt.Fprintf(&sums, "%s  %s\n", f.SHA256, f.Name)
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("%s: %w", f.Name, ErrMissing))
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.Name, err))
			continue
		}
		h := sha256.Sum256(b)
		if hex.EncodeToString(h[:]) != f.SHA256 || int64(len(b)) != f.Size {
			errs = append(errs, fmt.Errorf("%s: sha256 %x, manifest says %s: %w", f.Name, h, f.SHA256, ErrModified))
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, FileSums)); err != nil || string(b) != sums.String() {
		errs = append(errs, fmt.Errorf("%s differs from %s: %w", FileSums, FileManifest, ErrModified))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fail(err)
	}
	for _, e := range entries {
		if !listed[e.Name()] && !metaFiles[e.Name()] {
			errs = append(errs, fmt.Errorf("%s: %w", e.Name(), ErrAdded))
		}
	}
	return m, errors.Join(errs...)
}

// VerifyTrusted is Verify against the key an officer trusts: the one whose
// fingerprint the bureau published (fingerprint, as ParseFingerprint reads
// it), else this installation's key in keyDir when it has one. checked is
// false when there was neither: the folder is then only consistent with the
// key it names, and the officer must compare that key's fingerprint.
func VerifyTrusted(dir, keyDir, fingerprint string) (m Manifest, checked bool, err error) {
	want := ""
	if fingerprint != "" {
		if want, err = ParseFingerprint(fingerprint); err != nil {
			return m, false, err
		}
	}
	var trusted ed25519.PublicKey
	if want == "" {
		if trusted, err = LoadPublicKey(keyDir); err != nil && !errors.Is(err, os.ErrNotExist) {
			return m, false, err
		}
	}
	if m, err = Verify(dir, trusted); err != nil {
		return m, false, err
	}
	if got := strings.ReplaceAll(m.Fingerprint, " ", ""); want != "" && got != want {
		return m, false, fmt.Errorf("verify evidence %s: signed by key %s, not by %s: %w", dir, m.Fingerprint, fingerprint, ErrOtherKey)
	}
	return m, want != "" || trusted != nil, nil
}
