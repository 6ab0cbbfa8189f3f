package evidence

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFile is the installation's evidence signing key, kept in the data folder
// next to the database. It never leaves that folder: review packages and
// evidence folders carry only the public key.
const KeyFile = "evidence_signing.key"

// LoadOrCreateKey reads the signing key in dir, or makes one (the first
// evidence export of an installation) readable by its owner only.
func LoadOrCreateKey(dir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dir, KeyFile)
	key, err := loadKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	_, key, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("make evidence signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("make evidence signing key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process made it first: use that one
		return loadKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("save evidence signing key: %w", err)
	}
	werr := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("save evidence signing key %s: %w", path, err)
	}
	return key, nil
}

// LoadPublicKey reads the public half of the signing key in dir.
func LoadPublicKey(dir string) (ed25519.PublicKey, error) {
	key, err := loadKey(filepath.Join(dir, KeyFile))
	if err != nil {
		return nil, err
	}
	return key.Public().(ed25519.PublicKey), nil
}

func loadKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read evidence signing key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("evidence signing key %s: not a PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("evidence signing key %s: %w", path, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("evidence signing key %s: %T, want Ed25519", path, k)
	}
	return key, nil
}

// Fingerprint is the SHA-256 of a public key in hex, in groups of four so it
// can be read out over the phone and compared with the one the bureau publishes.
func Fingerprint(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	s := hex.EncodeToString(h[:])
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i : i+4])
	}
	return b.String()
}

// ParseFingerprint normalises a fingerprint as typed: spaces, colons and case ignored.
func ParseFingerprint(s string) (string, error) {
	clean := strings.ToLower(strings.NewReplacer(" ", "", ":", "", "-", "").Replace(strings.TrimSpace(s)))
	if b, err := hex.DecodeString(clean); err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("fingerprint %q: want 64 hex digits", s)
	}
	return clean, nil
}

// publicKeyText is the content of FilePublicKey.
func publicKeyText(pub ed25519.PublicKey) []byte {
	return []byte("ed25519 " + base64.StdEncoding.EncodeToString(pub) + "\n" +
		"SHA-256 指纹 fingerprint: " + Fingerprint(pub) + "\n")
}
