package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// terminalPage is one terminal: its file, recent raw packets with their CRC
// status, its connection events and the listener's commands with replies.
type terminalPage struct {
	s       *Shell
	row     termRow
	box     fyne.CanvasObject
	packets *widget.List
	pkts    []store.RawPacket
	events  *widget.Label
	replies *widget.Label
	note    *widget.Label
	diag    *widget.Label // rejected frames and incomplete split uploads; empty when none
}

func newTerminalPage(s *Shell, r termRow, back func()) *terminalPage {
	p := &terminalPage{s: s, row: r, events: widget.NewLabel(""), replies: widget.NewLabel(""), note: widget.NewLabel(""), diag: widget.NewLabel("")}
	p.diag.Wrapping = fyne.TextWrapWord
	p.diag.Importance = widget.DangerImportance
	tr := s.tr
	p.events.Wrapping = fyne.TextWrapWord
	p.replies.Wrapping = fyne.TextWrapWord
	p.packets = widget.NewList(func() int { return len(p.pkts) },
		func() fyne.CanvasObject { l := widget.NewLabel(""); l.Wrapping = fyne.TextWrapBreak; return l },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(p.packetText(p.pkts[i]))
			p.packets.SetItemHeight(i, o.MinSize().Height)
		})
	head := widget.NewForm(
		widget.NewFormItem(tr.T("term.mn"), widget.NewLabel(r.t.MN)),
		widget.NewFormItem(tr.T("term.enterprise"), widget.NewLabel(r.enterprise)),
		widget.NewFormItem(tr.T("term.lastseen"), widget.NewLabel(when(r.t.LastSeen)+"  "+r.t.RemoteAddr)),
		widget.NewFormItem(tr.T("term.protocol"), widget.NewLabel(r.t.Protocol+"  "+r.t.Firmware)),
		widget.NewFormItem(tr.T("term.interval"), widget.NewLabel(minutes(r.t.RtdInterval)+" / "+minutes(r.t.MinInterval))),
	)
	cmds := container.NewHBox(
		widget.NewButton(tr.T("term.cmd.intervals"), p.onSetIntervals),
		widget.NewButton(tr.T("term.cmd.sync"), p.onSyncTime),
		widget.NewButton(tr.T("term.cmd.history"), p.onPullHistory))
	if s.deps.Commands == nil {
		for _, o := range cmds.Objects {
			o.(*widget.Button).Disable()
		}
		p.replies.SetText(tr.T("term.nolistener"))
	}
	left := container.NewBorder(widget.NewLabelWithStyle(tr.T("term.packets"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, p.packets)
	right := container.NewVBox(head, p.diag, widget.NewSeparator(),
		widget.NewLabelWithStyle(tr.T("term.commands"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), cmds, p.replies,
		widget.NewSeparator(), widget.NewLabelWithStyle(tr.T("term.events"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), p.events)
	split := container.NewHSplit(left, container.NewVScroll(right))
	split.Offset = 0.55
	top := container.NewHBox(widget.NewButtonWithIcon(tr.T("common.back"), theme.NavigateBackIcon(), back), p.note)
	p.box = container.NewBorder(top, nil, nil, nil, split)
	return p
}

// packetText shows a frame decoded into its header fields and its CP values, one per line.
func (p *terminalPage) packetText(r store.RawPacket) string {
	crc := p.s.tr.T("term.crc.ok")
	if !r.CRCOK {
		crc = p.s.tr.T("term.crc.bad")
	}
	head := fmt.Sprintf("%s  ST=%s CN=%s QN=%s  %s  DataTime %s", when(r.ReceivedAt), r.ST, r.CN, r.QN, crc, when(r.DataTime))
	frame := string(r.Frame)
	if i := strings.Index(frame, "CP=&&"); i >= 0 {
		cp := strings.TrimSuffix(frame[i+5:], "&&")
		if j := strings.LastIndex(cp, "&&"); j >= 0 {
			cp = cp[:j]
		}
		return head + "\n  " + strings.ReplaceAll(strings.ReplaceAll(cp, ";", "\n  "), ",", "  ")
	}
	return head + "\n  " + frame
}

func (p *terminalPage) refresh() {
	d, mn, now := p.s.deps, p.row.t.MN, p.s.deps.Now()
	type pageData struct {
		pkts   []store.RawPacket
		state  store.TerminalState
		events []store.TerminalEvent
		cmds   []store.Command
		errs   []string
	}
	load(p.s, func(ctx context.Context) (pageData, error) {
		var pd pageData
		var err error
		if d.Readings != nil {
			if pd.pkts, err = d.Readings.RawPackets(ctx, mn, now.Add(-packetWindow), now.Add(time.Minute)); err != nil {
				pd.errs = append(pd.errs, p.s.errorText(p.s.tr.T("term.packets"), err))
			}
			pd.pkts = newestFirst(pd.pkts, 50)
		}
		if d.Terminals != nil {
			states, err := d.Terminals.TerminalStates(ctx)
			if err != nil {
				pd.errs = append(pd.errs, p.s.errorText(p.s.tr.T("term.diag"), err))
			}
			for _, st := range states {
				if st.MN == mn {
					pd.state = st
				}
			}
			if pd.events, err = d.Terminals.TerminalEvents(ctx, store.TerminalEventFilter{MN: mn, Limit: 50}); err != nil {
				pd.errs = append(pd.errs, p.s.errorText(p.s.tr.T("term.events"), err))
			}
			if pd.cmds, err = d.Terminals.Commands(ctx, mn, 20); err != nil {
				pd.errs = append(pd.errs, p.s.errorText(p.s.tr.T("term.commands"), err))
			}
		}
		return pd, nil
	}, func(pd pageData, _ error) {
		p.pkts = pd.pkts
		p.packets.Refresh()
		p.note.SetText(strings.Join(pd.errs, "; "))
		p.events.SetText(p.eventsText(pd.events))
		p.diag.SetText(p.diagText(pd.state))
		p.replies.SetText(p.commandsText(pd.cmds))
	})
}

// diagText says what the listener rejected of this terminal and which split
// uploads wait for parts: a terminal whose every frame fails the CRC must
// not look as if it never connected (issue 17).
func (p *terminalPage) diagText(st store.TerminalState) string {
	tr := p.s.tr
	var lines []string
	if st.Rejected > 0 {
		lines = append(lines, fmt.Sprintf("%s: %d — %s (%s)", tr.T("term.rejected"), st.Rejected, st.RejectReason, when(st.RejectedAt)))
	}
	if st.Incomplete > 0 {
		lines = append(lines, fmt.Sprintf("%s: %d", tr.T("term.incomplete"), st.Incomplete))
	}
	return strings.Join(lines, "\n")
}

// packetWindow is how far back the page looks for raw packets.
const packetWindow = 24 * time.Hour

// newestFirst returns the last n of ps (oldest first) in reverse order.
func newestFirst(ps []store.RawPacket, n int) []store.RawPacket {
	out := make([]store.RawPacket, 0, n)
	for i := len(ps) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, ps[i])
	}
	return out
}

func (p *terminalPage) eventsText(es []store.TerminalEvent) string {
	if p.s.deps.Terminals == nil {
		return p.s.tr.T("common.nodata")
	}
	if len(es) == 0 {
		return p.s.tr.T("term.events.none")
	}
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%s  %s  %s\n", when(e.At), e.Kind, e.Detail)
	}
	return b.String()
}

// commandsText lists the commands sent to the terminal with their replies.
func (p *terminalPage) commandsText(cs []store.Command) string {
	tr := p.s.tr
	if p.s.deps.Commands == nil {
		return tr.T("term.nolistener")
	}
	if len(cs) == 0 {
		return tr.T("term.cmd.none")
	}
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s  CN=%s  %s  %s", when(c.CreatedAt), c.CN, tr.T("cmd."+string(c.Status)), c.Origin)
		if c.QnRtn != 0 || c.ExeRtn != 0 {
			fmt.Fprintf(&b, "  QnRtn=%d ExeRtn=%d", c.QnRtn, c.ExeRtn)
		}
		if c.Result != "" {
			fmt.Fprintf(&b, "\n    %s", c.Result)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// command queues one listener command off the UI goroutine, then reloads the
// page so the command and, when it came, the reply show.
func (p *terminalPage) command(name string, run func(ctx context.Context, who string) (store.Command, error)) {
	p.note.SetText(p.s.tr.T("term.cmd.sending", name))
	who := p.s.operator()
	load(p.s, func(ctx context.Context) (store.Command, error) {
		return run(ctx, who)
	}, func(c store.Command, err error) {
		if err != nil {
			p.note.SetText(p.s.errorText(name, err))
			return
		}
		p.note.SetText(p.s.tr.T("term.cmd.queued", name, p.s.tr.T("cmd."+string(c.Status))))
		p.refresh()
	})
}

func (p *terminalPage) onSetIntervals() {
	tr, mn := p.s.tr, p.row.t.MN
	rtd, min := widget.NewEntry(), widget.NewEntry()
	rtd.SetText(strconv.Itoa(int(p.row.t.RtdInterval.Minutes())))
	min.SetText(strconv.Itoa(int(p.row.t.MinInterval.Minutes())))
	positive := func(s string) error {
		if n, err := strconv.Atoi(s); err != nil || n <= 0 || n > 1440 {
			return fmt.Errorf("%s", tr.T("valid.minutes"))
		}
		return nil
	}
	rtd.Validator, min.Validator = positive, positive
	dialog.ShowForm(tr.T("term.cmd.intervals"), tr.T("common.send"), tr.T("common.cancel"), []*widget.FormItem{
		widget.NewFormItem(tr.T("term.rtd"), rtd), widget.NewFormItem(tr.T("term.min"), min),
	}, func(ok bool) {
		if !ok {
			return
		}
		r, _ := strconv.Atoi(rtd.Text)
		m, _ := strconv.Atoi(min.Text)
		p.command(tr.T("term.cmd.intervals"), func(ctx context.Context, who string) (store.Command, error) {
			return p.s.deps.Commands.SetIntervals(ctx, who, mn, time.Duration(r)*time.Minute, time.Duration(m)*time.Minute)
		})
	}, p.s.win)
}

func (p *terminalPage) onSyncTime() {
	mn := p.row.t.MN
	p.command(p.s.tr.T("term.cmd.sync"), func(ctx context.Context, who string) (store.Command, error) {
		return p.s.deps.Commands.SyncTime(ctx, who, mn)
	})
}

func (p *terminalPage) onPullHistory() {
	tr, mn := p.s.tr, p.row.t.MN
	now := p.s.deps.Now().In(store.Beijing)
	from, to := widget.NewEntry(), widget.NewEntry()
	from.SetText(now.Add(-24 * time.Hour).Format(timeLayout))
	to.SetText(now.Format(timeLayout))
	from.Validator, to.Validator = p.s.validTime, p.s.validTime
	dialog.ShowForm(tr.T("term.cmd.history"), tr.T("common.send"), tr.T("common.cancel"), []*widget.FormItem{
		widget.NewFormItem(tr.T("common.from"), from), widget.NewFormItem(tr.T("common.to"), to),
	}, func(ok bool) {
		if !ok {
			return
		}
		f, _ := parseTime(from.Text)
		t, _ := parseTime(to.Text)
		p.command(tr.T("term.cmd.history"), func(ctx context.Context, who string) (store.Command, error) {
			return p.s.deps.Commands.PullHistory(ctx, who, mn, f, t)
		})
	}, p.s.win)
}

// timeLayout is how officers type times: Beijing time to the minute.
const timeLayout = "2006-01-02 15:04"

func parseTime(s string) (time.Time, error) {
	return time.ParseInLocation(timeLayout, strings.TrimSpace(s), store.Beijing)
}

func (s *Shell) validTime(v string) error {
	if _, err := parseTime(v); err != nil {
		return fmt.Errorf("%s", s.tr.T("valid.time"))
	}
	return nil
}
