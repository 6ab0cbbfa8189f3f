package evidence

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"powerwatch/alarmview"
	"powerwatch/app/pdfdoc"
	"powerwatch/store"
)

func bj(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(store.Beijing).Format("2006-01-02 15:04:05")
}

// typeName, gradeName, statusName and dispositionName name what the window
// names, from the same translations, in Chinese with the English after it.
func (f *facts) typeName(t store.AlarmType) string {
	return alarmview.TypeName(f.zh, t) + " " + alarmview.TypeName(f.en, t)
}
func (f *facts) gradeName(g store.Grade) string { return f.both("grade." + string(g)) }
func (f *facts) statusName(a store.Alarm) string {
	s := f.both("al.status." + string(a.Status))
	if a.Trial { // raised inside a recorded test window
		s += "，" + f.both("al.status.trial")
	}
	return s
}
func (f *facts) dispositionName(d store.Disposition) string {
	if d == store.Undecided {
		return f.both("disp.none")
	}
	return f.both("disp." + string(d))
}

// ruleWidths are the rule table's columns in mm (180 mm of body).
var ruleWidths = []float64{38, 36, 54, 20, 32}

func (f *facts) pdf(w io.Writer, charts pdfCharts, m Manifest, compress bool) error {
	ev := f.ev()
	a := ev.Alarm
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
		end = f.both("al.ongoing")
	}
	d.Fields(
		[2]string{"编号 ID", strconv.FormatInt(a.ID, 10)},
		[2]string{"类型 Type", f.typeName(a.Type)},
		[2]string{"等级 Grade", f.gradeName(a.Grade)},
		[2]string{"状态 Status", f.statusName(a)},
		[2]string{"生产设施 Production", f.view.FacilityName(a.ProductionID)},
		[2]string{"治污设施 Treatment", f.view.FacilityName(a.TreatmentID)},
		[2]string{"开始 Start (北京时间)", bj(a.Start)},
		[2]string{"结束 End (北京时间)", end},
		[2]string{"持续 Duration", a.Duration(ev.To).Round(time.Minute).String()},
		[2]string{"说明 Detail", a.Detail},
		[2]string{"处置 Disposition", f.dispositionName(a.Disposition)},
		[2]string{"规则版本 Rule version", strconv.Itoa(a.RuleVersion)},
	)
	d.Heading("曲线 Curves")
	d.Text(fmt.Sprintf("%s — %s，阴影为报警时段，虚线为报警开始时有效的阈值（推导：由额定功率推导）\n"+
		"shaded: the alarm; dashed: the thresholds in force at its start (推导: derived from rated power)", bj(ev.From), bj(ev.To)))
	if err := d.Image(charts.power); err != nil {
		return err
	}
	if charts.cut != nil {
		d.Heading(f.both("al.cut.title"))
		d.Text("管控时段内限产范围的逐时累计用电与本时段允许用电；累计超过允许用电即报警。\n" +
			"The scope's cumulative consumption hour by hour over the control period, and the period's allowance: the alarm is raised once the cumulative exceeds it.")
		if err := d.Image(charts.cut); err != nil {
			return err
		}
	}
	d.Heading("规则与阈值 Rule, parameters and thresholds in force")
	var head []string
	for i, h := range alarmview.Headers(f.zh) {
		head = append(head, h+" "+alarmview.Headers(f.en)[i])
	}
	var rows [][]string
	for _, r := range alarmview.RuleRows(f.view, f.zh) {
		rows = append(rows, r.Cells())
	}
	d.Table(ruleWidths, head, rows)
	d.Heading("审核记录 Reviews")
	rows = nil
	for _, r := range ev.Reviews {
		rows = append(rows, []string{bj(r.At), r.Reviewer, f.dispositionName(r.Disposition), r.Note})
	}
	if len(rows) == 0 {
		rows = [][]string{{"—", "—", f.dispositionName(store.Undecided), ""}}
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
