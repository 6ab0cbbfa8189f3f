package hj212_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"powerwatch/listener/hj212"
	"powerwatch/listener/hj212/hj212test"
)

// A connection loop: read packets, skip what is broken, answer 9014 when the
// terminal asks (Flag bit A).
func ExampleReader() {
	conn := strings.NewReader("noise" + hj212test.ByName("Realtime2025").Raw)
	r := hj212.NewReader(conn, hj212.DefaultMaxFrame)
	for {
		p, err := r.ReadPacket()
		var se *hj212.SyntaxError
		switch {
		case errors.As(err, &se):
			fmt.Println("bad frame:", se.Message())
			continue
		case err == io.EOF:
			return
		case err != nil:
			return
		}
		dt, _ := p.DataTime()
		v, _ := p.Float("d20105", "Rtd")
		fmt.Println(p.Version(), p.MN, dt.Format("2006-01-02 15:04"), v)
		if p.Flag.Answer() {
			ack, _ := hj212.DataAck(p).Encode()
			os.Stdout.Write(ack)
		}
	}
	// Output:
	// bad frame: framing: 5 bytes outside any frame skipped
	// 2025 3A1B2C3D4E5F60718293A4B5 2026-01-15 10:30 220.2
	// ##0087QN=20260115103000123;ST=91;CN=9014;PW=123456;MN=3A1B2C3D4E5F60718293A4B5;Flag=8;CP=&&&&D581
}
