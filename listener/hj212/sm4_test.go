package hj212_test

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"powerwatch/listener/hj212"
	"powerwatch/listener/hj212/hj212test"
)

// TestSM4Vector is the example of GB/T 32907-2016 Appendix A.1: key and
// plaintext 0123456789ABCDEFFEDCBA9876543210.
func TestSM4Vector(t *testing.T) {
	key, _ := hex.DecodeString("0123456789ABCDEFFEDCBA9876543210")
	got, err := hj212.EncryptCP(key, key, hj212.CipherOptions{Padding: hj212.PadNone})
	if err != nil {
		t.Fatal(err)
	}
	if want := "681EDF34D206965E86B3E94F536E4246"; got != want {
		t.Errorf("EncryptCP = %s, want %s", got, want)
	}
	plain, err := hj212.DecryptCP("681edf34d206965e86b3e94f536e4246", key, hj212.CipherOptions{Padding: hj212.PadNone})
	if err != nil || hex.EncodeToString(plain) != "0123456789abcdeffedcba9876543210" {
		t.Errorf("DecryptCP = %x, %v", plain, err)
	}
}

func TestEncryptedPacketRoundTrip(t *testing.T) {
	key, err := hj212.ParseKey("0123456789ABCDEFFEDCBA9876543210")
	if err != nil {
		t.Fatal(err)
	}
	fr := hj212test.ByName("Realtime2025")
	p := mustParse(t, fr.Raw)
	for _, opt := range []hj212.CipherOptions{
		{},
		{Padding: hj212.PadPKCS7},
		{Padding: hj212.PadPKCS7, Encoding: hj212.EncodeBase64},
	} {
		enc, err := p.Encrypt(key, opt)
		if err != nil {
			t.Fatalf("Encrypt(%+v): %v", opt, err)
		}
		b, err := enc.Encode()
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		wire := mustParse(t, string(b)) // length and CRC cover the ciphertext
		if _, ok := wire.Value("d20105", "Rtd"); ok {
			t.Fatalf("%+v: plaintext visible in %q", opt, b)
		}
		dec, err := wire.Decrypt(key, opt)
		if err != nil {
			t.Fatalf("Decrypt(%+v): %v", opt, err)
		}
		if diff := cmp.Diff(fr.CP, dec.Fields()); diff != "" {
			t.Errorf("%+v: decrypted CP mismatch (-want +got):\n%s", opt, diff)
		}
		if dt, ok := dec.DataTime(); !ok || dt.Hour() != 10 {
			t.Errorf("decrypted DataTime = %v, %v", dt, ok)
		}
	}
	// A wrong key with PKCS#7 is caught by the padding check or by Parse.
	enc, _ := p.Encrypt(key, hj212.CipherOptions{Padding: hj212.PadPKCS7})
	b, _ := enc.Encode()
	other, _ := hj212.ParseKey("ffffffffffffffffffffffffffffffff")
	if dec, err := mustParse(t, string(b)).Decrypt(other, hj212.CipherOptions{Padding: hj212.PadPKCS7}); err == nil {
		if _, ok := dec.Value("d20105", "Rtd"); ok {
			t.Error("Decrypt with the wrong key recovered the plaintext")
		}
	}
	// Commands outside the encrypted set pass through.
	ack := mustParse(t, hj212test.ByName("DataAck9014").Raw)
	if got, err := ack.Decrypt(key, hj212.CipherOptions{}); got != ack || err != nil {
		t.Errorf("Decrypt of 9014 = %v, %v; want the packet itself", got, err)
	}
}

func TestCipherErrors(t *testing.T) {
	key, _ := hj212.ParseKey("abcdefghijklmnop")
	if _, err := hj212.EncryptCP([]byte("odd"), key, hj212.CipherOptions{Padding: hj212.PadNone}); !errors.Is(err, hj212.ErrSegment) {
		t.Errorf("EncryptCP of 3 bytes without padding: err = %v, want ErrSegment", err)
	}
	if _, err := hj212.DecryptCP("XYZ", key, hj212.CipherOptions{}); !errors.Is(err, hj212.ErrSegment) {
		t.Errorf("DecryptCP of non-hex: err = %v, want ErrSegment", err)
	}
	if _, err := hj212.DecryptCP("00", key, hj212.CipherOptions{}); !errors.Is(err, hj212.ErrSegment) {
		t.Errorf("DecryptCP of a partial block: err = %v, want ErrSegment", err)
	}
	if _, err := hj212.ParseKey("short"); err == nil {
		t.Error("ParseKey(short) gave no error")
	}
}
