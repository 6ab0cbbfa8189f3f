package main

import (
	"context"
	"fmt"
	"time"

	"powerwatch/app/judge"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// ruleDesk serves the rule what-if of 设置 (ui.RuleReplay): the current rule
// set, a replay of changed parameters over stored data (alarms.Replay via
// replayStored), and saving them as a new version.
type ruleDesk struct{ db *sqlite.DB }

func (d ruleDesk) CurrentRuleSet(ctx context.Context) (store.RuleSet, error) {
	return judge.CurrentRules(ctx, d.db)
}

func (d ruleDesk) SaveRuleSet(ctx context.Context, who string, rs *store.RuleSet) error {
	return d.db.SaveRuleSet(ctx, who, rs)
}

// ReplayRules runs rs over [from, to) and counts what it raises against the
// alarms stored for the period and their reviews.
func (d ruleDesk) ReplayRules(ctx context.Context, rs store.RuleSet, from, to time.Time) (ui.ReplaySummary, error) {
	var sum ui.ReplaySummary
	if err := rs.Validate(); err != nil {
		return sum, err
	}
	rep, err := judge.Replay(ctx, d.db, rs, from, to)
	if err != nil {
		return sum, fmt.Errorf("replay rules: %w", err)
	}
	stored, err := judge.StandingByType(ctx, d.db, from, to)
	if err != nil {
		return sum, fmt.Errorf("replay rules: %w", err)
	}
	sum = ui.ReplaySummary{Stored: stored, Raised: rep.ByType, New: len(rep.New), Kept: len(rep.Kept),
		Missed: len(rep.Missed), MarkedFalse: len(rep.MarkedFalse), Dropped: rep.Dropped}
	return sum, nil
}
