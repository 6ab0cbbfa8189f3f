package maintenance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"powerwatch/app/pdfdoc"
	"powerwatch/store"
)

// SurveyPath is where an enterprise's survey is kept, relative to files/.
func SurveyPath(enterpriseID int64) string {
	return fmt.Sprintf("enterprises/%d/survey.json", enterpriseID)
}

// SaveSurvey writes s as JSON under filesDir on fsys and returns its path
// relative to filesDir, for the enterprise's attachment list.
func SaveSurvey(fsys afero.Fs, filesDir string, s store.Survey) (string, error) {
	rel := SurveyPath(s.EnterpriseID)
	p := filepath.Join(filesDir, filepath.FromSlash(rel))
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return "", fmt.Errorf("save survey of enterprise %d: %w", s.EnterpriseID, err)
	}
	if err := fsys.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("save survey of enterprise %d: %w", s.EnterpriseID, err)
	}
	// Write then rename, so a crash never leaves half a survey.
	if err := afero.WriteFile(fsys, p+".tmp", b, 0o644); err != nil {
		return "", fmt.Errorf("save survey of enterprise %d: %w", s.EnterpriseID, err)
	}
	if err := fsys.Rename(p+".tmp", p); err != nil {
		return "", fmt.Errorf("save survey of enterprise %d: %w", s.EnterpriseID, err)
	}
	return rel, nil
}

// LoadSurvey reads an enterprise's survey; a missing one is an error wrapping
// fs.ErrNotExist.
func LoadSurvey(fsys afero.Fs, filesDir string, enterpriseID int64) (store.Survey, error) {
	var s store.Survey
	b, err := afero.ReadFile(fsys, filepath.Join(filesDir, filepath.FromSlash(SurveyPath(enterpriseID))))
	if err != nil {
		return s, fmt.Errorf("survey of enterprise %d: %w", enterpriseID, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("survey of enterprise %d: %w", enterpriseID, describeJSON(b, err))
	}
	return s, nil
}

func describeJSON(b []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("line %d: %w", 1+bytes.Count(b[:se.Offset], []byte("\n")), err)
	}
	return err
}

// ReportDoc is everything the installation report prints.
type ReportDoc struct {
	Enterprise store.Enterprise
	Region     string
	Industry   string
	Facilities []store.Facility
	Links      []store.Link
	Orders     []store.Order
	Points     []store.Point // registered points, for their factor codes
	Survey     store.Survey
}

// Design returns the survey's point design with the registry's facts.
func (r ReportDoc) Design() Design {
	return Design{Facilities: r.Facilities, Links: r.Links, Orders: r.Orders, Points: r.Survey.Points, SwitchTogether: r.Survey.SwitchTogether}
}

func kindLabel(k store.FacilityKind) string {
	switch k {
	case store.Production:
		return "生产设施"
	case store.Treatment:
		return "治污设施"
	case store.Integrated:
		return "产治一体"
	case store.Total:
		return "总用电"
	case store.Indirect:
		return "间接监测"
	}
	return string(k)
}

func supplyLabel(s store.Supply, afterBus bool) string {
	var l string
	switch s {
	case store.SupplyMulti:
		l = "多路供电 multi"
	case store.SupplyStandby:
		l = "主备用 standby"
	default:
		l = "单路 single"
	}
	if afterBus {
		return l + "，母线后 after bus"
	}
	return l
}

// ReportTitle is the installation report's title.
const ReportTitle = "用电监测现场勘察及安装报告 Survey and installation report"

// WriteInstallationReportPDF prints the report of the guideline's §6.7.2:
// basic information, products and production pattern, process flow, the
// 产治排 relations traced back from each outlet, the point design with the
// facilities each point watches and its breaker, the design warnings of
// §6.7.1, and the photos of the meter boxes (read from photoDir on fsys).
func WriteInstallationReportPDF(w io.Writer, r ReportDoc, fsys afero.Fs, photoDir string, compress bool) error {
	s := r.Survey
	d := pdfdoc.New(ReportTitle, compress)
	e := r.Enterprise
	d.Heading("一、排污单位基本信息 Basic information")
	d.Fields(
		[2]string{"企业名称 Name", e.Name},
		[2]string{"统一社会信用代码 USCC", e.USCC},
		[2]string{"所在区域 Region", r.Region},
		[2]string{"行业 Industry", r.Industry},
		[2]string{"地址 Address", e.Address},
		[2]string{"环保联系人 Contact", strings.TrimSpace(e.Contact + " " + e.Phone)},
		[2]string{"绩效分级 Grade", e.Grade},
		[2]string{"踏勘日期 Survey date", day(s.Date)},
		[2]string{"踏勘人员 Surveyors", s.Surveyors},
	)
	d.Heading("二、生产情况 Production")
	boxedText(d, "主要产品及产量 Products", s.Products)
	boxedText(d, "生产规律 Pattern", s.Pattern)
	boxedText(d, "工艺流程 Process flow", s.ProcessFlow)
	boxedText(d, "用电情况 Power use", s.PowerUse)
	boxedText(d, "排口与在线监测 Outlets", s.Outlets)

	d.Heading("三、涉气设施 Facilities")
	var rows [][]string
	for _, f := range r.Facilities {
		rows = append(rows, []string{f.Name, kindLabel(f.Kind), fmt.Sprintf("%.0f", f.RatedKW), f.Process, f.Pollutants, f.Outlet})
	}
	d.Table([]float64{40, 24, 20, 36, 30, pdfdoc.BodyW - 150}, []string{"设施 Facility", "类型 Kind", "额定 kW", "工艺 Process", "污染物", "排口 Outlet"}, rows)

	d.Heading("四、产治排关系（排口倒查）Relations traced from each outlet")
	rows = nil
	for _, rel := range Relations(r.Facilities, r.Links) {
		var ps []string
		for i, p := range rel.Production {
			role := "用"
			if rel.Roles[i] == store.Standby {
				role = "备"
			}
			ps = append(ps, fmt.Sprintf("%s（%s）", p.Name, role))
		}
		if len(ps) == 0 {
			ps = []string{"未关联生产设施 no production linked"}
		}
		rows = append(rows, []string{rel.Outlet, rel.Treatment.Name, strings.Join(ps, "、")})
	}
	d.Table([]float64{35, 50, pdfdoc.BodyW - 85}, []string{"排口 Outlet", "治污设施 Treatment", "生产设施 Production"}, rows)

	d.Heading("五、监测点位设计 Point design")
	names := map[int64]string{}
	for _, f := range r.Facilities {
		names[f.ID] = f.Name
	}
	rows = nil
	for _, p := range s.Points {
		var fs []string
		for _, id := range p.Facilities {
			fs = append(fs, names[id])
		}
		aux := ""
		if p.SharedAuxKW > 0 {
			aux = fmt.Sprintf("%.0f", p.SharedAuxKW)
		}
		rows = append(rows, []string{p.Name, strings.Join(fs, "、"), fmt.Sprintf("%.0f", p.BreakerA), supplyLabel(p.Supply, p.AfterBus), aux, p.Location})
	}
	d.Table([]float64{32, 45, 20, 33, 18, pdfdoc.BodyW - 148},
		[]string{"点位 Point", "监测设施 Facilities", "断路器 A", "供电 Supply", "同路辅助 kW", "安装位置 Location"}, rows)
	warnings := CheckDesign(r.Design())
	d.Heading(fmt.Sprintf("点位设计检查 Design checks (%d)", len(warnings)))
	if len(warnings) == 0 {
		boxedText(d, "结论 Result", "符合 §6.7.1 布设要求 — no warnings")
	}
	for i, w := range warnings {
		boxedText(d, fmt.Sprintf("警告 %d", i+1), w.Message)
	}
	d.Heading("六、日常和应急报警方案 Alarm plan")
	boxedText(d, "应急管控 Emergency", strings.TrimSpace(s.Emergency+"\n"+e.EmergencyPlan))
	if s.Notes != "" {
		boxedText(d, "备注 Notes", s.Notes)
	}
	if len(s.Photos) > 0 {
		d.Heading(fmt.Sprintf("七、电表箱照片 Meter box photos (%d)", len(s.Photos)))
		d.Photos(fsys, photoDir, s.Photos)
	}
	return d.Write(w)
}
