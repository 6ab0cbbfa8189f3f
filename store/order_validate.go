package store

import "fmt"

// ValidCut checks a 限产 percentage: more than 0 and less than 100. A 100 %
// cut is a shutdown and must be ordered as 停产, so that the 30-minute
// shutdown rule, not the cumulative cut rule, judges it; a 0 % cut orders
// nothing. The store, the spreadsheet import and the order form all call it.
func ValidCut(c float64) error {
	switch {
	case c != c || c <= 0: // NaN too
		return fmt.Errorf("%w: 限产比例 %g %% 应大于 0 / a cut must be more than 0 %%", ErrInvalid, c)
	case c >= 100:
		return fmt.Errorf("%w: 限产比例 %g %% 应小于 100，全部停产请用“停产” / a cut must be less than 100 %%: order 停产 to stop everything", ErrInvalid, c)
	}
	return nil
}

// Validate checks what an order must be wherever it comes from (the store,
// the spreadsheet import, the form): a known kind and level, a valid cut for
// 限产, an end after its start.
func (o Order) Validate() error {
	switch {
	case o.Kind != Shutdown && o.Kind != Cut:
		return fmt.Errorf("%w: 管控类型 %q 应为停产或限产 / order kind %q", ErrInvalid, o.Kind, o.Kind)
	case o.Level != "" && o.Level != Yellow && o.Level != Orange && o.Level != Red:
		return fmt.Errorf("%w: 预警级别 %q / order level %q", ErrInvalid, o.Level, o.Level)
	case !o.End.After(o.Start):
		return fmt.Errorf("%w: 结束时间不晚于开始时间 / order ends %v, not after its start %v", ErrInvalid, o.End, o.Start)
	}
	if o.Kind == Cut {
		return ValidCut(o.CutPercent)
	}
	return nil
}

// Validate checks a 报备 filing: a known kind, an end after its start.
func (f Filing) Validate() error {
	switch f.Kind {
	case PlannedStop, Renovation, PowerCut, Other:
	default:
		return fmt.Errorf("%w: 报备类型 %q / filing kind %q", ErrInvalid, f.Kind, f.Kind)
	}
	if !f.End.After(f.Start) {
		return fmt.Errorf("%w: 结束时间不晚于开始时间 / filing ends %v, not after its start %v", ErrInvalid, f.End, f.Start)
	}
	return nil
}
