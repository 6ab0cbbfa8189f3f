// Package hj212test holds HJ 212 frames shared by the codec, listener, uplink
// and simulator tests. Every frame was written by hand from the examples of
// HJ212-2017 and hj212.md; the CRCs were computed with an independent
// implementation of Appendix A. Frames captured from real data collectors go
// in testdata/*.hj212 of the test's package and are read with Load.
package hj212test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"powerwatch/listener/hj212"
)

// A Frame is one frame as it travels on the wire and what Parse makes of it.
type Frame struct {
	Name    string
	Raw     string        // "##" through CR LF
	Packet  hj212.Packet  // the header fields Parse must produce, Warnings aside
	CP      []hj212.Field // what Packet.Fields must return
	Version hj212.Version // what the Flag bits say
	Warn    int           // how many warnings Parse reports
}

const (
	mn2017 = "010000A8900016F000169DC0" // the MN of HJ212-2017 Appendix A
	mn2025 = "3A1B2C3D4E5F60718293A4B5"
	all    = hj212.HasQN | hj212.HasST | hj212.HasCN | hj212.HasPW | hj212.HasMN | hj212.HasFlag
	split  = all | hj212.HasPNUM | hj212.HasPNO
)

func f(k, v string) hj212.Field { return hj212.Field{Key: k, Value: v} }
func g(k, v string) hj212.Field { return hj212.Field{Key: k, Value: v, Grouped: true} }
func rtd(code, v string) []hj212.Field {
	return []hj212.Field{f(code+"-Rtd", v), g(code+"-Flag", "N")}
}

func cp(parts ...[]hj212.Field) []hj212.Field {
	var out []hj212.Field
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func one(fs ...hj212.Field) []hj212.Field { return fs }

// Frames are the shared fixtures. Annotated fields: Flag 5 = 2017 + A,
// 9 = 2025 + A, 7/11 = split + A, 8/10 = 2025 without A.
var Frames = []Frame{
	{
		// HJ212-2017 Appendix A worked example: 101 bytes, CRC 1C80 (the prose's "1C08" is a typo).
		Name:    "Std1062",
		Raw:     "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n",
		Packet:  hj212.Packet{QN: "20160801085857223", ST: "32", CN: "1062", PW: "100000", MN: mn2017, Flag: 5, Header: all},
		CP:      one(f("RtdInterval", "30")),
		Version: hj212.Version2017,
	},
	{
		// A typical 2025 ST=44 real-time upload: 8 electricity factors, each Rtd,Flag.
		Name:   "Realtime2025",
		Raw:    "##0360QN=20260115103000123;ST=44;CN=2011;PW=123456;MN=3A1B2C3D4E5F60718293A4B5;Flag=9;CP=&&DataTime=20260115103000;d20105-Rtd=220.20,d20105-Flag=N;d20205-Rtd=220.90,d20205-Flag=N;d20305-Rtd=221.10,d20305-Flag=N;d20405-Rtd=12.34,d20405-Flag=N;d30106-Rtd=220.20,d30106-Flag=N;d30406-Rtd=0.04,d30406-Flag=N;d20505-Rtd=8.123,d20505-Flag=N;d20605-Rtd=0.95,d20605-Flag=N&&AE41\r\n",
		Packet: hj212.Packet{QN: "20260115103000123", ST: "44", CN: "2011", PW: "123456", MN: mn2025, Flag: 9, Header: all},
		CP: cp(one(f("DataTime", "20260115103000")), rtd("d20105", "220.20"), rtd("d20205", "220.90"), rtd("d20305", "221.10"),
			rtd("d20405", "12.34"), rtd("d30106", "220.20"), rtd("d30406", "0.04"), rtd("d20505", "8.123"), rtd("d20605", "0.95")),
		Version: hj212.Version2025,
	},
	{
		// 2017 real-time upload with the standard's electrical codes (Tables B.5/B.7/B.10) and a device state.
		Name:   "Realtime2017",
		Raw:    "##0275QN=20260115103500456;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20260115103500;i33200-Rtd=12.50,i33200-Flag=N;i33103-Rtd=380,i33103-Flag=N;i33201-Rtd=1234567.8,i33201-Flag=N;i33202-Rtd=321.5,i33202-Flag=N;e30101-Rtd=3.21,e30101-Flag=N;SB1-RS=1&&2080\r\n",
		Packet: hj212.Packet{QN: "20260115103500456", ST: "32", CN: "2011", PW: "123456", MN: mn2017, Flag: 5, Header: all},
		CP: cp(one(f("DataTime", "20260115103500")), rtd("i33200", "12.50"), rtd("i33103", "380"), rtd("i33201", "1234567.8"),
			rtd("i33202", "321.5"), rtd("e30101", "3.21"), one(f("SB1-RS", "1"))),
		Version: hj212.Version2017,
	},
	{
		// Minute data (2051): Min/Avg/Max/Cou; DataTime is the period start. Flag 4: no answer.
		Name:   "Minute2017",
		Raw:    "##0202QN=20260115104000000;ST=44;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&DataTime=20260115103500;i33200-Min=11.8,i33200-Avg=12.1,i33200-Max=12.9,i33200-Flag=N;i33201-Cou=1.05,i33201-Flag=N&&B101\r\n",
		Packet: hj212.Packet{QN: "20260115104000000", ST: "44", CN: "2051", PW: "123456", MN: mn2017, Flag: 4, Header: all},
		CP: one(f("DataTime", "20260115103500"), f("i33200-Min", "11.8"), g("i33200-Avg", "12.1"), g("i33200-Max", "12.9"),
			g("i33200-Flag", "N"), f("i33201-Cou", "1.05"), g("i33201-Flag", "N")),
		Version: hj212.Version2017,
	},
	{
		// Running state (2021): SBxxx-RS, 0 off, 1 running, 4 alarm.
		Name:    "RunState2021",
		Raw:     "##0137QN=20260115104500000;ST=44;CN=2021;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20260115104500;SB1-RS=1;SB2-RS=0;SB3-RS=4&&B7C1\r\n",
		Packet:  hj212.Packet{QN: "20260115104500000", ST: "44", CN: "2021", PW: "123456", MN: mn2017, Flag: 5, Header: all},
		CP:      one(f("DataTime", "20260115104500"), f("SB1-RS", "1"), f("SB2-RS", "0"), f("SB3-RS", "4")),
		Version: hj212.Version2017,
	},
	{
		// Daily running time (2041): SBxxx-RT in hours.
		Name:    "RunTime2041",
		Raw:     "##0135QN=20260116000500000;ST=44;CN=2041;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20260115000000;SB1-RT=23.50;SB2-RT=0.00&&E2C1\r\n",
		Packet:  hj212.Packet{QN: "20260116000500000", ST: "44", CN: "2041", PW: "123456", MN: mn2017, Flag: 5, Header: all},
		CP:      one(f("DataTime", "20260115000000"), f("SB1-RT", "23.50"), f("SB2-RT", "0.00")),
		Version: hj212.Version2017,
	},
	{
		// Part 1 of 2 (Flag 7 = 2017 + D + A), own QN, same DataTime as part 2 (C.49/C.50).
		Name:    "Part1of2",
		Raw:     "##0153QN=20260115105000001;ST=44;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=7;PNUM=2;PNO=1;CP=&&DataTime=20260115105000;i33200-Rtd=10.1,i33200-Flag=N&&4B00\r\n",
		Packet:  hj212.Packet{QN: "20260115105000001", ST: "44", CN: "2011", PW: "123456", MN: mn2017, Flag: 7, PNUM: 2, PNO: 1, Header: split},
		CP:      cp(one(f("DataTime", "20260115105000")), rtd("i33200", "10.1")),
		Version: hj212.Version2017,
	},
	{
		Name:    "Part2of2",
		Raw:     "##0152QN=20260115105000002;ST=44;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=7;PNUM=2;PNO=2;CP=&&DataTime=20260115105000;i33103-Rtd=381,i33103-Flag=N&&B8C1\r\n",
		Packet:  hj212.Packet{QN: "20260115105000002", ST: "44", CN: "2011", PW: "123456", MN: mn2017, Flag: 7, PNUM: 2, PNO: 2, Header: split},
		CP:      cp(one(f("DataTime", "20260115105000")), rtd("i33103", "381")),
		Version: hj212.Version2017,
	},
	{
		// Flag 11 = 2025 + D + A.
		Name:    "Split2025",
		Raw:     "##0154QN=20260115105500001;ST=44;CN=2011;PW=123456;MN=3A1B2C3D4E5F60718293A4B5;Flag=11;PNUM=3;PNO=3;CP=&&DataTime=20260115105500;d30406-Rtd=0.05,d30406-Flag=N&&9E81\r\n",
		Packet:  hj212.Packet{QN: "20260115105500001", ST: "44", CN: "2011", PW: "123456", MN: mn2025, Flag: 11, PNUM: 3, PNO: 3, Header: split},
		CP:      cp(one(f("DataTime", "20260115105500")), rtd("d30406", "0.05")),
		Version: hj212.Version2025,
	},
	{
		// Flag 8 = 2025, no answer.
		Name:    "NoAnswer2025",
		Raw:     "##0128QN=20260115110000000;ST=44;CN=2011;PW=123456;MN=3A1B2C3D4E5F60718293A4B5;Flag=8;CP=&&DataTime=20260115110000;d20105-Rtd=219.80&&5440\r\n",
		Packet:  hj212.Packet{QN: "20260115110000000", ST: "44", CN: "2011", PW: "123456", MN: mn2025, Flag: 8, Header: all},
		CP:      one(f("DataTime", "20260115110000"), f("d20105-Rtd", "219.80")),
		Version: hj212.Version2025,
	},
	{
		// Flag 10 = 2025 + D, no answer.
		Name:    "SplitNoAnswer2025",
		Raw:     "##0142QN=20260115110000001;ST=44;CN=2011;PW=123456;MN=3A1B2C3D4E5F60718293A4B5;Flag=10;PNUM=2;PNO=1;CP=&&DataTime=20260115110000;d20205-Rtd=220.10&&D941\r\n",
		Packet:  hj212.Packet{QN: "20260115110000001", ST: "44", CN: "2011", PW: "123456", MN: mn2025, Flag: 10, PNUM: 2, PNO: 1, Header: split},
		CP:      one(f("DataTime", "20260115110000"), f("d20205-Rtd", "220.10")),
		Version: hj212.Version2025,
	},
	{
		// HJ/T 212-2005 style: no QN, no Flag, 14-character MN (warned), old pollutant codes.
		Name: "Legacy2005",
		Raw:  "##0097ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&DataTime=20260115110500;B01-Rtd=12.5;011-Rtd=3.2&&0880\r\n",
		Packet: hj212.Packet{ST: "32", CN: "2011", PW: "123456", MN: "88888880000001",
			Header: hj212.HasST | hj212.HasCN | hj212.HasPW | hj212.HasMN},
		CP:      one(f("DataTime", "20260115110500"), f("B01-Rtd", "12.5"), f("011-Rtd", "3.2")),
		Version: hj212.Version2005,
		Warn:    1,
	},
	{
		// Chinese text in CP (3020 log): length and CRC count UTF-8 bytes (152), not characters (144).
		Name:    "InfoUTF8",
		Raw:     "##0152QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20160801085857;PolId=w01018;i11001-Info=//清洗管路//&&9481\r\n",
		Packet:  hj212.Packet{QN: "20160801085857223", ST: "32", CN: "3020", PW: "123456", MN: mn2017, Flag: 5, Header: all},
		CP:      one(f("DataTime", "20160801085857"), f("PolId", "w01018"), f("i11001-Info", "//清洗管路//")),
		Version: hj212.Version2017,
	},
	{
		// The centre's 9014 answer to Realtime2025: echoed QN, ST=91, Flag 8 (version bits, A=0), empty CP.
		Name:    "DataAck9014",
		Raw:     "##0087QN=20260115103000123;ST=91;CN=9014;PW=123456;MN=3A1B2C3D4E5F60718293A4B5;Flag=8;CP=&&&&D581\r\n",
		Packet:  hj212.Packet{QN: "20260115103000123", ST: "91", CN: "9014", PW: "123456", MN: mn2025, Flag: 8, Header: all},
		Version: hj212.Version2025,
	},
	{
		// Field deviations: MN before PW, ";" instead of "," before -Flag, an empty item, a bare Flag=N in CP.
		Name:    "Reordered",
		Raw:     "##0147QN=20260115111000000;ST=44;CN=2011;MN=010000A8900016F000169DC0;PW=123456;Flag=5;CP=&&DataTime=20260115111000;i33200-Rtd=9.9;i33200-Flag=N;;Flag=N&&5F00\r\n",
		Packet:  hj212.Packet{QN: "20260115111000000", ST: "44", CN: "2011", PW: "123456", MN: mn2017, Flag: 5, Header: all},
		CP:      one(f("DataTime", "20260115111000"), f("i33200-Rtd", "9.9"), f("i33200-Flag", "N"), f("Flag", "N")),
		Version: hj212.Version2017,
	},
}

// ByName returns the frame called name; it panics on an unknown name, which is a bug in the test.
func ByName(name string) Frame {
	for _, fr := range Frames {
		if fr.Name == name {
			return fr
		}
	}
	panic("hj212test: no frame " + strconv.Quote(name))
}

// Stream concatenates the raw frames called names, in order.
func Stream(names ...string) []byte {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(ByName(n).Raw)
	}
	return []byte(b.String())
}

// Load reads captured frames, one per line, from a *.hj212 file. Lines
// starting with "#" but not "##" are comments. Only Name and Raw are set.
func Load(path string) ([]Frame, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load frames: %w", err)
	}
	defer file.Close()
	var out []Frame
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimRight(sc.Text(), "\r")
		if s == "" || (strings.HasPrefix(s, "#") && !strings.HasPrefix(s, "##")) {
			continue
		}
		out = append(out, Frame{Name: fmt.Sprintf("%s:%d", path, line), Raw: s + "\r\n"})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load frames %s: %w", path, err)
	}
	return out, nil
}
