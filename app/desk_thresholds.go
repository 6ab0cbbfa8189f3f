package main

import (
	"context"
	"time"

	"powerwatch/app/judge"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// limitDesk serves 一企一档's 限值建议 and the bulk list of misfitting limits
// (ui.LimitAdvisor) with judge.ProposeThresholds and judge.AcceptThreshold.
type limitDesk struct{ db *sqlite.DB }

// limitReplayDays is how far back the enterprise page replays a proposal.
const limitReplayDays = 30

func (d limitDesk) ProposeLimits(ctx context.Context, ent int64, replay bool) ([]ui.LimitProposal, error) {
	o := judge.ProposeOptions{EnterpriseID: ent, To: time.Now()}
	if replay {
		o.ReplayDays = limitReplayDays
	}
	ps, err := judge.ProposeThresholds(ctx, d.db, o)
	if err != nil {
		return nil, err
	}
	out := make([]ui.LimitProposal, len(ps))
	for i, p := range ps {
		lp := ui.LimitProposal{Proposal: p.Proposal, Facility: p.Facility, Enterprise: p.Enterprise, Current: p.Current,
			Typed: p.Typed, Derived: p.Derived, Misfits: p.Misfits}
		if r := p.Replay; r != nil {
			lp.Replayed, lp.Before, lp.After, lp.Raised, lp.Removed, lp.ReplayDays = true, r.Before, r.After, r.Raised, r.Removed, o.ReplayDays
		}
		if t := p.Test; t != nil {
			lp.TestSeen, lp.TestOff, lp.TestOn, lp.TestStop, lp.TestRun = true, t.Off, t.On, t.Stop, t.Run
		}
		out[i] = lp
	}
	return out, nil
}

func (d limitDesk) AcceptLimits(ctx context.Context, who string, f store.Facility, stop, run float64, note string) error {
	_, err := judge.AcceptThreshold(ctx, d.db, who, f, stop, run, note)
	return err
}

func (d limitDesk) RejectLimits(ctx context.Context, who string, f store.Facility, stop, run float64, note string) error {
	return judge.RejectThreshold(ctx, d.db, who, f, stop, run, note)
}
