package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime/pprof"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"powerwatch/app/internal/proc"
	"powerwatch/app/service"
	"powerwatch/assets"
	"powerwatch/ui"
)

// runBenchStartup is `powerwatch bench startup`: the desktop app's start on a
// database, done as runDesktop does it — Fyne app, service (Main.Run), window
// and screens, window shown, the dashboard's first load applied — with the
// wall and CPU time of each phase from the process's start. Then the window
// closes, and the parts of those phases are timed one by one on the same
// (now warm) database, to tell where the time goes.
//
// It needs a display as the desktop app does (Xvfb will do); built with the
// ci tag (Fyne's software driver) it runs headless. The listener binds
// 127.0.0.1 on a free port unless --listen says otherwise.
func runBenchStartup(e *env, args []string) error {
	fs := newFlags(e, "bench startup", "--db PATH [--config PATH] [--listen ADDR] [--check-at-open] [--cpuprofile FILE]")
	d := addDataFlags(fs)
	listen := fs.String("listen", "127.0.0.1:0", "HJ 212 listen address of the service started")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the start (to the dashboard filled) to this file")
	atOpen := fs.Bool("check-at-open", false, "run the database's integrity check in the start, not after the window shows as the desktop app does")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || d.db == "" {
		return usagef("want --db PATH (an existing database) and no arguments")
	}
	if _, err := os.Stat(d.db); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	clock := proc.NewClock(true)
	clock.Mark("process start → command")
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	m := service.NewMain()
	m.CheckLater = !*atOpen
	if m.Config, err = loadServeConfig(m.FS, d, *listen); err != nil {
		return err
	}
	if err := m.Config.Validate(); err != nil {
		return usagef("%v", err)
	}
	if err := startWindow(e.ctx, m, clock); err != nil {
		m.Close()
		return err
	}
	if err := m.Close(); err != nil {
		return fmt.Errorf("stop the service: %w", err)
	}
	clock.Print(e.stdout)
	fmt.Fprintln(e.stdout)
	return startupParts(e.ctx, e.stdout, m.Config)
}

// startWindow does what runDesktop does up to the dashboard's first load,
// marking each phase, and closes the window then.
func startWindow(ctx context.Context, m *service.Main, clock *proc.Clock) error {
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	a.Settings().SetTheme(ui.NewTheme(ui.ThemeSystem))
	clock.Mark("Fyne app")
	if err := m.Run(ctx); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	clock.Mark("service started (Main.Run: database open, alarm engine, listener, schedules)")
	w := a.NewWindow("powerwatch · 排污单位用电监控")
	w.SetIcon(assets.Icon)
	shell, err := ui.New(a, w, desk{m}.UIDeps())
	if err != nil {
		return fmt.Errorf("build window: %w", err)
	}
	defer shell.Close()
	w.Resize(fyne.NewSize(1280, 800))
	if reflect.TypeOf(a.Driver()).Elem().PkgPath() == "fyne.io/fyne/v2/test" {
		// Fyne's software driver (ci builds): no event loop; Wait applies
		// the loads' results on this goroutine. The service's notifications
		// are left out: that driver would run them on their own goroutines.
		clock.Mark("window and screens built (ui.New)")
		w.Show()
		clock.Mark("window shown (software driver)")
		shell.Wait()
		clock.Mark("dashboard filled (first load applied)")
		err := checkAfterStart(ctx, m, clock)
		w.Close()
		return err
	}
	desk{m}.Subscribe(shell)
	clock.Mark("window and screens built (ui.New)")
	var checkErr error
	quit := sync.OnceFunc(func() { fyne.Do(a.Quit) }) // once: a second Quit finds GLFW gone
	a.Lifecycle().SetOnStarted(func() {
		clock.Mark("window shown (event loop started)")
		go func() {
			shell.Wait()
			clock.Mark("dashboard filled (first load applied)")
			checkErr = checkAfterStart(ctx, m, clock)
			quit()
		}()
	})
	stop := context.AfterFunc(ctx, quit)
	defer stop()
	w.ShowAndRun()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return checkErr
}

// checkAfterStart runs the integrity check the start left out, as the
// desktop app does once its window shows, and stops the profile first: the
// check is not part of the start.
func checkAfterStart(ctx context.Context, m *service.Main, clock *proc.Clock) error {
	pprof.StopCPUProfile()
	if !m.CheckLater {
		return nil
	}
	if err := m.CheckDatabase(ctx); err != nil {
		return err
	}
	clock.Mark("after the start, window up: integrity check (CheckDatabase)")
	return nil
}

// startupParts times, one by one, what the start is made of
// (service.StartupParts).
func startupParts(ctx context.Context, out io.Writer, cfg service.Config) error {
	clock := proc.NewClock(false)
	clock.Title = "the parts, one after the other (file cache warm now)"
	if err := service.StartupParts(ctx, cfg, clock.Mark); err != nil {
		return err
	}
	clock.Print(out)
	return nil
}
