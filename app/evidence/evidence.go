// Package evidence writes the evidence file of an alarm for enforcement: a
// folder with a PDF (enterprise, facilities, the alarm's facts, its curve
// chart, the rule parameters and thresholds in force, the reviews), the raw
// HJ 212 packets of the period as received with their CRC status, the series
// as CSV, and a manifest with the SHA-256 of every file, so that anyone can
// check that nothing was changed afterwards.
package evidence

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/golang/freetype/truetype"

	"powerwatch/app/pdfdoc"
	"powerwatch/assets"
	"powerwatch/csvsafe"
	"powerwatch/store"
	"powerwatch/ui/chart"
)

// Source is what an evidence file is made from; *sqlite.DB has these methods.
type Source interface {
	AlarmEvidence(ctx context.Context, id int64, margin time.Duration) (store.AlarmEvidence, error)
	EnterpriseByID(ctx context.Context, id int64) (store.Enterprise, error)
	FacilitiesByEnterprise(ctx context.Context, enterpriseID int64) ([]store.Facility, error)
	PointByID(ctx context.Context, id int64) (store.Point, error)
	TerminalByID(ctx context.Context, id int64) (store.Terminal, error)
	ThresholdAt(ctx context.Context, facilityID int64, t time.Time) (store.Threshold, error)
	RawPackets(ctx context.Context, mn string, from, to time.Time) ([]store.RawPacket, error)
	RuleSetVersion(ctx context.Context, v int) (store.RuleSet, error)
	// AppendAudit records the export, so that every evidence folder handed
	// out is in the audit log with its hashes.
	AppendAudit(ctx context.Context, e store.AuditEntry) error
}

// Options tune an export.
type Options struct {
	Margin   time.Duration      // the period shown around the alarm; 0: 2 h
	Who      string             // who exported it, printed in the PDF
	Now      func() time.Time   // nil: time.Now
	Compress bool               // compress the PDF's streams (off lets tests read its text)
	Key      ed25519.PrivateKey // signs the manifest; required (LoadOrCreateKey)
}

// The files of an evidence folder.
const (
	FilePDF      = "evidence.pdf"
	FileChart    = "chart.png"
	FileRaw      = "raw_packets.csv"
	FileFrames   = "raw_frames.txt"
	FileSeries   = "series.csv"
	FileManifest = "manifest.json"
	FileSums     = "SHA256SUMS" // the same hashes in sha256sum's format, for `sha256sum -c`

	FileSignature = "manifest.sig"    // Ed25519 signature of manifest.json's bytes, base64
	FilePublicKey = "signing_key.pub" // the public key and its fingerprint, as printed in the PDF
)

// A Manifest lists the files of an evidence folder with their hashes.
type Manifest struct {
	AlarmID   int64          `json:"alarm_id"`
	CreatedAt time.Time      `json:"created_at"`
	CreatedBy string         `json:"created_by"`
	From      time.Time      `json:"from"`
	To        time.Time      `json:"to"`
	Files     []ManifestFile `json:"files"`

	PublicKey   string `json:"public_key"`      // Ed25519, base64: the key manifest.sig verifies with
	Fingerprint string `json:"key_fingerprint"` // SHA-256 of the public key, as Fingerprint prints it
}

// A ManifestFile is one file of the folder.
type ManifestFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Export writes the evidence of alarm id into dir, which must not exist yet
// or be empty, and returns its manifest.
func Export(ctx context.Context, src Source, id int64, dir string, o Options) (Manifest, error) {
	m := Manifest{AlarmID: id, CreatedBy: o.Who}
	fail := func(err error) (Manifest, error) {
		return m, fmt.Errorf("export evidence of alarm %d to %s: %w", id, dir, err)
	}
	if o.Margin <= 0 {
		o.Margin = 2 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if len(o.Key) != ed25519.PrivateKeySize {
		return fail(errors.New("no signing key"))
	}
	if strings.TrimSpace(o.Who) == "" {
		return fail(fmt.Errorf("who is empty: %w", store.ErrInvalid))
	}
	pub := o.Key.Public().(ed25519.PublicKey)
	m.PublicKey, m.Fingerprint = base64.StdEncoding.EncodeToString(pub), Fingerprint(pub)
	m.CreatedAt = o.Now().Truncate(time.Second)
	if err := emptyDir(dir); err != nil {
		return fail(err)
	}
	f, err := gather(ctx, src, id, o.Margin)
	if err != nil {
		return fail(err)
	}
	m.From, m.To = f.ev.From, f.ev.To
	img, err := f.chart()
	if err != nil {
		return fail(err)
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		return fail(fmt.Errorf("encode chart: %w", err))
	}
	var pdfBuf bytes.Buffer
	if err := f.pdf(&pdfBuf, img, m, o.Compress); err != nil {
		return fail(err)
	}
	files := []struct {
		name string
		data []byte
	}{
		{FilePDF, pdfBuf.Bytes()},
		{FileChart, pngBuf.Bytes()},
		{FileRaw, f.rawCSV()},
		{FileFrames, f.frames()},
		{FileSeries, f.seriesCSV()},
	}
	var sums strings.Builder
	for _, file := range files {
		if err := os.WriteFile(filepath.Join(dir, file.name), file.data, 0o644); err != nil {
			return fail(err)
		}
		h := sha256.Sum256(file.data)
		m.Files = append(m.Files, ManifestFile{Name: file.name, Size: int64(len(file.data)), SHA256: hex.EncodeToString(h[:])})
		fmt.Fprintf(&sums, "%x  %s\n", h, file.name)
	}
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fail(err)
	}
	mj = append(mj, '\n')
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(o.Key, mj)) + "\n"
	for _, file := range []struct {
		name string
		data []byte
	}{{FileManifest, mj}, {FileSignature, []byte(sig)}, {FilePublicKey, publicKeyText(pub)}, {FileSums, []byte(sums.String())}} {
		if err := os.WriteFile(filepath.Join(dir, file.name), file.data, 0o644); err != nil {
			return fail(err)
		}
	}
	mh := sha256.Sum256(mj)
	after, err := json.Marshal(map[string]any{"folder": dir, "manifest_sha256": hex.EncodeToString(mh[:]),
		"key_fingerprint": m.Fingerprint, "files": m.Files})
	if err != nil {
		return fail(err)
	}
	if err := src.AppendAudit(ctx, store.AuditEntry{Who: o.Who, Action: "export", Entity: "evidence", EntityID: id, After: string(after)}); err != nil {
		return fail(fmt.Errorf("audit: %w", err))
	}
	return m, nil
}

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

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("folder is not empty: %w", store.ErrConflict)
	}
	return nil
}

// facts is everything the files are made of.
type facts struct {
	ev         store.AlarmEvidence
	ent        store.Enterprise
	facilities map[int64]store.Facility
	points     []store.Point // of ev.Series, by id
	mns        []string
	packets    []store.RawPacket
	thresholds []store.Threshold // in force at the alarm's start
	rules      *store.RuleSet    // the version the alarm was raised under; nil when it was never saved (defaults)
}

func gather(ctx context.Context, src Source, id int64, margin time.Duration) (*facts, error) {
	ev, err := src.AlarmEvidence(ctx, id, margin)
	if err != nil {
		return nil, err
	}
	f := &facts{ev: ev, facilities: map[int64]store.Facility{}}
	if f.ent, err = src.EnterpriseByID(ctx, ev.Alarm.EnterpriseID); err != nil {
		return nil, fmt.Errorf("enterprise %d: %w", ev.Alarm.EnterpriseID, err)
	}
	fs, err := src.FacilitiesByEnterprise(ctx, f.ent.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range fs {
		f.facilities[x.ID] = x
	}
	ids := make([]int64, 0, len(ev.Series))
	for pid := range ev.Series {
		ids = append(ids, pid)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	terms := map[int64]bool{}
	for _, pid := range ids {
		p, err := src.PointByID(ctx, pid)
		if err != nil {
			return nil, fmt.Errorf("point %d: %w", pid, err)
		}
		f.points = append(f.points, p)
		if !terms[p.TerminalID] {
			terms[p.TerminalID] = true
			t, err := src.TerminalByID(ctx, p.TerminalID)
			if err != nil {
				return nil, fmt.Errorf("terminal %d: %w", p.TerminalID, err)
			}
			f.mns = append(f.mns, t.MN)
		}
		th, err := src.ThresholdAt(ctx, p.FacilityID, ev.Alarm.Start)
		if err == nil {
			f.thresholds = append(f.thresholds, th)
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("threshold of facility %d: %w", p.FacilityID, err)
		}
	}
	if rs, err := src.RuleSetVersion(ctx, ev.Alarm.RuleVersion); err == nil {
		f.rules = &rs
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("rule set version %d: %w", ev.Alarm.RuleVersion, err)
	}
	for _, mn := range f.mns {
		ps, err := src.RawPackets(ctx, mn, ev.From, ev.To)
		if err != nil {
			return nil, fmt.Errorf("raw packets of %s: %w", mn, err)
		}
		f.packets = append(f.packets, ps...)
	}
	return f, nil
}

func (f *facts) facilityName(id int64) string {
	if id == 0 {
		return "—"
	}
	if x, ok := f.facilities[id]; ok {
		return x.Name
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (f *facts) chart() (image.Image, error) {
	font, err := truetype.Parse(assets.FontRegular.Content())
	if err != nil {
		return nil, fmt.Errorf("read the CJK font: %w", err)
	}
	a := f.ev.Alarm
	end := a.End
	if end.IsZero() {
		end = f.ev.To
	}
	o := chart.Options{Width: 1200, Height: 560, From: f.ev.From, To: f.ev.To, Font: font, Unit: "kW",
		Spans: []chart.Span{{From: a.Start, To: end, Kind: chart.Alarm, Label: typeName(a.Type)}}}
	for _, p := range f.points {
		fac := f.facilities[p.FacilityID]
		role := chart.Other
		switch fac.Kind {
		case store.Production:
			role = chart.Production
		case store.Treatment:
			role = chart.Treatment
		}
		s := chart.Series{Name: fac.Name + " " + p.Name, Role: role}
		for _, x := range f.ev.Series[p.ID] {
			if !math.IsNaN(x.P) {
				s.Points = append(s.Points, store.CurvePoint{At: x.At, Min: x.P, Max: x.P, Mean: x.P, N: 1})
			}
		}
		o.Series = append(o.Series, s)
	}
	for _, th := range f.thresholds {
		if th.Basis == store.ByPower || th.Basis == "" {
			o.Lines = append(o.Lines, chart.Line{Value: th.Run, Label: f.facilityName(th.FacilityID) + " 运行 run"},
				chart.Line{Value: th.Stop, Label: f.facilityName(th.FacilityID) + " 停机 stop"})
		}
	}
	img, _, err := chart.Render(o)
	return img, err
}

func bj(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(store.Beijing).Format("2006-01-02 15:04:05")
}

func (f *facts) pdf(w io.Writer, img image.Image, m Manifest, compress bool) error {
	a := f.ev.Alarm
	d := pdfdoc.New(fmt.Sprintf("报警证据 Alarm evidence #%d", a.ID), compress)
	d.Heading("企业 Enterprise")
	d.Fields(
		[2]string{"名称 Name", f.ent.Name},
		[2]string{"统一社会信用代码 USCC", f.ent.USCC},
		[2]string{"地址 Address", f.ent.Address},
		[2]string{"联系人 Contact", strings.TrimSpace(f.ent.Contact + " " + f.ent.Phone)},
	)
	d.Heading("报警 Alarm")
	end := bj(a.End)
	if a.End.IsZero() {
		end = "持续中 open"
	}
	d.Fields(
		[2]string{"编号 ID", strconv.FormatInt(a.ID, 10)},
		[2]string{"类型 Type", typeName(a.Type) + " " + string(a.Type)},
		[2]string{"等级 Grade", gradeName(a.Grade) + " " + string(a.Grade)},
		[2]string{"状态 Status", string(a.Status)},
		[2]string{"生产设施 Production", f.facilityName(a.ProductionID)},
		[2]string{"治污设施 Treatment", f.facilityName(a.TreatmentID)},
		[2]string{"开始 Start (北京时间)", bj(a.Start)},
		[2]string{"结束 End (北京时间)", end},
		[2]string{"持续 Duration", a.Duration(f.ev.To).Round(time.Minute).String()},
		[2]string{"说明 Detail", a.Detail},
		[2]string{"处置 Disposition", dispositionName(a.Disposition)},
		[2]string{"规则版本 Rule version", strconv.Itoa(a.RuleVersion)},
	)
	d.Heading("曲线 Curves")
	d.Text(fmt.Sprintf("%s — %s，阴影为报警时段 shaded: the alarm", bj(f.ev.From), bj(f.ev.To)))
	if err := d.Image(img); err != nil {
		return err
	}
	d.Heading("规则参数与阈值 Rule parameters and thresholds in force")
	params := a.Thresholds
	var pretty bytes.Buffer
	if json.Indent(&pretty, []byte(a.Thresholds), "", "  ") == nil {
		params = pretty.String()
	}
	d.Text(params)
	if r := f.rules; r != nil {
		d.Fields(
			[2]string{"规则版本 Version", fmt.Sprintf("%d（%s，%s）%s", r.Version, bj(r.CreatedAt), r.CreatedBy, r.Note)},
			[2]string{"时段 Slot / 容许缺数 Gap", r.Slot.String() + " / " + r.GapBridge.String()},
			[2]string{"治污未同步 最短 Min", r.TreatmentOffMin.String()},
			[2]string{"停产未落实 最短 Min", r.ShutdownIgnoredMin.String()},
			[2]string{"限产未落实 Cut", fmt.Sprintf("基准 %s，按管控时段累计，余量 %g%%", r.CutBaseline, r.CutMarginPct)},
			[2]string{"等级 Grades", fmt.Sprintf("较重 ≥ %s，严重 ≥ %s", r.MajorAfter, r.SevereAfter)},
		)
	} else {
		d.Text(fmt.Sprintf("规则版本 %d 未单独保存：使用默认规则 (rule version %d was never saved: the defaults)", a.RuleVersion, a.RuleVersion))
	}
	var rows [][]string
	for _, th := range f.thresholds {
		rows = append(rows, []string{f.facilityName(th.FacilityID), string(th.Basis), fmt.Sprintf("%g", th.Stop),
			fmt.Sprintf("%g", th.Run), th.MinPersist.String(), bj(th.EffectiveFrom)})
	}
	d.Table([]float64{40, 20, 25, 25, 25, 45}, []string{"设施 Facility", "依据 Basis", "停机 Stop", "运行 Run", "持续 Persist", "生效 From"}, rows)
	d.Heading("审核记录 Reviews")
	rows = nil
	for _, r := range f.ev.Reviews {
		rows = append(rows, []string{bj(r.At), r.Reviewer, dispositionName(r.Disposition), r.Note})
	}
	if len(rows) == 0 {
		rows = [][]string{{"—", "—", "未审核 not reviewed", ""}}
	}
	d.Table([]float64{40, 30, 40, 70}, []string{"时间 Time", "审核人 Reviewer", "处置 Disposition", "备注 Note"}, rows)
	d.Heading("附件 Files")
	crcBad := 0
	for _, p := range f.packets {
		if !p.CRCOK {
			crcBad++
		}
	}
	d.Text(fmt.Sprintf("%s: %d 个原始报文 raw packets (CRC 错误 bad: %d), 终端 MN %s\n%s: 监测点序列 series\n%s: SHA-256\n导出 exported %s by %s",
		FileRaw, len(f.packets), crcBad, strings.Join(f.mns, ", "), FileSeries, FileManifest, bj(m.CreatedAt), m.CreatedBy))
	d.Heading("签名 Signature")
	d.Text(fmt.Sprintf("%s 由本机证据签名密钥签名 (Ed25519)，%s 为公钥。\n"+
		"%s is signed with this installation's evidence key (Ed25519); %s holds the public key.\n"+
		"核验 Verify: powerwatch alarms verify FOLDER --fingerprint \"FINGERPRINT\"\n"+
		"公钥 Public key: %s\n指纹 Fingerprint (SHA-256):\n%s",
		FileManifest, FilePublicKey, FileManifest, FilePublicKey, m.PublicKey, m.Fingerprint))
	return d.Write(w)
}

// rawCSV lists the packets as received; frame is the exact bytes, CRC status as checked on arrival.
func (f *facts) rawCSV() []byte {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	w.Write([]string{"received_at", "data_time", "mn", "st", "cn", "qn", "crc_ok", "frame"})
	for _, p := range f.packets {
		w.Write([]string{rfc(p.ReceivedAt), rfc(p.DataTime), p.MN, p.ST, p.CN, p.QN, strconv.FormatBool(p.CRCOK), string(p.Frame)})
	}
	w.Flush()
	return b.Bytes()
}

// frames are the packets one per line with CR LF, as they came over the wire.
func (f *facts) frames() []byte {
	var b bytes.Buffer
	for _, p := range f.packets {
		b.Write(p.Frame)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func (f *facts) seriesCSV() []byte {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	w.Write([]string{"point_id", "point", "facility", "at", "p_kw", "i_a", "u_v", "e_kwh", "pf", "flags"})
	num := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	for _, p := range f.points {
		for _, s := range f.ev.Series[p.ID] {
			w.Write([]string{strconv.FormatInt(p.ID, 10), p.Name, f.facilityName(p.FacilityID), rfc(s.At),
				num(s.P), num(s.I), num(s.U), num(s.E), num(s.PF), strconv.Itoa(int(s.Flags))})
		}
	}
	w.Flush()
	return b.Bytes()
}

func rfc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(store.Beijing).Format(time.RFC3339)
}

func typeName(t store.AlarmType) string {
	switch t {
	case store.TreatmentOff:
		return "治污设施未同步运行"
	case store.ShutdownIgnored:
		return "停产未落实"
	case store.CutIgnored:
		return "限产未落实"
	case store.Offline:
		return "终端离线"
	case store.LowTransmission:
		return "传输率低"
	case store.BadValues:
		return "数据异常"
	case store.CounterReset:
		return "电量计数回零"
	case store.PowerMismatch:
		return "功率不符"
	case store.ClockDrift:
		return "时钟偏差"
	case store.SubmeterExcess:
		return "分表超总表"
	case store.OrderUnjudged:
		return "管控令无法判定"
	case store.TreatmentUnknown:
		return "治污设施数据缺失"
	}
	return string(t)
}

func gradeName(g store.Grade) string {
	switch g {
	case store.Minor:
		return "一般"
	case store.Major:
		return "较重"
	case store.Severe:
		return "严重"
	}
	return string(g)
}

func dispositionName(d store.Disposition) string {
	switch d {
	case store.Undecided:
		return "未审核 not reviewed"
	case store.Confirmed:
		return "确认违法 confirmed"
	case store.DeviceFault:
		return "设备故障 device fault"
	case store.CircuitFault:
		return "电路故障/外部停电 circuit fault"
	case store.Filed:
		return "已报备 filed"
	case store.Commissioning:
		return "调试/检修 commissioning"
	case store.FalseThreshold:
		return "误报—阈值不当 false threshold"
	case store.OtherDisposition:
		return "其他 other"
	}
	return string(d)
}
