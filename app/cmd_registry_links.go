package main

import (
	"fmt"
	"strconv"
)

// runRegistryLinks lists the facilities whose treatment links await an
// officer's confirmation (several ungrouped units, stored before the stage
// syntax: one of them still suffices), and with --confirm ID confirms one as
// listed: every active unit must run, a standby unit stands in for one.
func runRegistryLinks(e *env, args []string) error {
	fs := newFlags(e, "registry links", "[--confirm FACILITY_ID] [--db PATH] [--who NAME]")
	data := addDataFlags(fs)
	confirm := fs.String("confirm", "", "facility id whose links are confirmed as listed / 确认该设施的关联：所列主用单元均须运行")
	who := fs.String("who", defaultWho(), "name recorded in the audit log / 操作人")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("want no argument, got %q", pos)
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	if *confirm != "" {
		id, err := strconv.ParseInt(*confirm, 10, 64)
		if err != nil {
			return usagef("--confirm %q: want a facility id", *confirm)
		}
		f, err := db.FacilityByID(e.ctx, id)
		if err != nil {
			return fmt.Errorf("confirm links of facility %d: %w", id, err)
		}
		f.LinksConfirmed = true
		if err := db.UpdateFacility(e.ctx, *who, &f); err != nil {
			return fmt.Errorf("confirm links of facility %d: %w", id, err)
		}
		fmt.Fprintf(e.stdout, "已确认 %s (#%d)：所列主用治理设施均须运行 / confirmed: every listed active unit must run\n", f.Name, f.ID)
		return nil
	}
	reg, err := db.LoadRegistry(e.ctx)
	if err != nil {
		return fmt.Errorf("registry links: %w", err)
	}
	un := reg.UnconfirmedLinks()
	for _, f := range un {
		fmt.Fprintf(e.stdout, "警告 / warning: #%d %s 关联 %q 未确认，按任一运行即可判定 / links unconfirmed, judged as alternatives (one suffices)\n",
			f.ID, f.Name, reg.TreatedBy(f))
	}
	if len(un) == 0 {
		fmt.Fprintln(e.stdout, "所有治理设施关联均已确认 / every treatment link is confirmed")
	}
	return nil
}
