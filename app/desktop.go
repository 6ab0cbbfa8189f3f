package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"powerwatch/app/instance"
	"powerwatch/app/internal/proc"
	"powerwatch/app/service"
	"powerwatch/app/winplace"

	// Before Fyne initialises: no locale noise on any command's stderr.
	_ "powerwatch/app/internal/localeenv"
	"powerwatch/assets"
	"powerwatch/ui"
)

// appID names the app to Fyne: preferences live under it, and the packager
// uses it (FyneApp.toml).
const appID = "io.powerwatch.district"

// desktopService is the running program as the desktop needs it. Main satisfies it:
// Start opens the database and starts the listener, alarms and schedules and
// returns once they run; UIDeps hands the store and listener to the screens;
// Subscribe gives the service the shell to notify (from any goroutine) of
// alarms, packets and connections; Close stops everything.
type desktopService interface {
	Start(ctx context.Context) error
	UIDeps() ui.Deps
	Subscribe(n ui.Notifier)
	Close() error
}

// runDesktop opens the main window on svc. Closing the window hides it and
// keeps the service running in the system tray; the tray's Quit, or the end
// of e.ctx (SIGINT/SIGTERM), stops both.
// With hidden set and a system tray at hand, the window is not shown at start.
func runDesktop(e *env, svc desktopService, hidden bool) error {
	start, ok := proc.Started() // "window ready" counts from the exec where known
	if !ok {
		start = time.Now()
	}
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	a.Settings().SetTheme(ui.NewTheme(ui.ThemeSystem)) // the CJK font, also for a start-up error
	if err := svc.Start(e.ctx); err != nil {
		svc.Close()
		showFatal(a, err)
		return fmt.Errorf("start: %w", err)
	}
	w := a.NewWindow("powerwatch · 排污单位用电监控")
	w.SetIcon(assets.Icon)
	shell, err := ui.New(a, w, svc.UIDeps())
	if err != nil {
		svc.Close()
		return fmt.Errorf("build window: %w", err)
	}
	svc.Subscribe(shell)
	// A size that fits the screen it starts on, the last one where it fits.
	winplace.Place(a.Preferences(), w, ui.FitWindow) // and where it was last closed, on Windows
	w.SetOnClosed(func() { winplace.Remember(a.Preferences(), w) })
	if r, ok := svc.(interface{ OnRaise(func()) }); ok { // a second start brings this window forward
		r.OnRaise(func() { fyne.Do(func() { w.Show(); w.RequestFocus() }) })
	}
	d, tray := a.(desktop.App)
	tray = tray && trayAvailable()
	if tray {
		w.SetCloseIntercept(func() {
			winplace.Remember(a.Preferences(), w)
			w.Hide()
		})
		quit := fyne.NewMenuItem("退出 Quit", a.Quit)
		quit.IsQuit = true
		d.SetSystemTrayIcon(assets.Icon)
		d.SetSystemTrayMenu(fyne.NewMenu("powerwatch", fyne.NewMenuItem("打开窗口 Open", func() { w.Show(); w.RequestFocus() }), quit))
	} else {
		w.SetMaster()
	}
	checkCtx, stopCheck := context.WithCancel(e.ctx) // quitting stops the check
	a.Lifecycle().SetOnStarted(func() {
		winplace.Restore(a.Preferences(), w) // shown now: it has a native window to move
		go func() {
			shell.Wait()
			fmt.Fprintf(e.stderr, "powerwatch: window ready in %d ms\n", time.Since(start).Milliseconds())
			if n, ok := svc.(interface{ DatabaseNotices() []string }); ok {
				shell.DatabaseNotices(n.DatabaseNotices())
			}
			// Once the window is up, the integrity check its start left out.
			if c, ok := svc.(interface{ CheckDatabase(context.Context) error }); ok {
				if err := c.CheckDatabase(checkCtx); err != nil && checkCtx.Err() == nil {
					shell.DatabaseCheckFailed(err)
				}
			}
		}()
	})
	stop := context.AfterFunc(e.ctx, func() { fyne.Do(a.Quit) })
	defer stop()
	if hidden && tray {
		a.Run()
	} else {
		w.ShowAndRun()
	}
	stopCheck()
	shell.Close()
	return svc.Close()
}

// trayAvailable reports whether a system tray can be used. On Linux Fyne's
// tray talks to the session bus, and without one it crashes at Quit; there the
// window is the master and closing it ends the program.
func trayAvailable() bool {
	return runtime.GOOS != "linux" || os.Getenv("DBUS_SESSION_BUS_ADDRESS") != ""
}

// showFatal shows a start-up error in a window of its own: the bureau's
// officers start the app from an icon and have no terminal to read.
func showFatal(a fyne.App, err error) {
	w := a.NewWindow("powerwatch")
	msg := widget.NewLabel("程序无法启动 / powerwatch could not start:\n\n" + err.Error())
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil, widget.NewButton("退出 Quit", a.Quit), nil, nil, msg))
	w.Resize(fyne.NewSize(560, 240))
	w.ShowAndRun()
}

// runDesktopCmd is the desktop app on the default database and config: the
// same service as `serve` (listener, alarms, schedules, uplink), with a window.
//
// With --tray (the installer's autostart at login) the window stays hidden and
// the service runs in the system tray until the officer opens it from there.
func runDesktopCmd(e *env, args []string) error {
	hidden := len(args) == 1 && args[0] == "--tray"
	if len(args) > 0 && !hidden {
		return usagef("the desktop app takes no arguments but --tray, got %q", args)
	}
	m := service.NewMain()
	m.CheckLater = true // after the window shows (runDesktop)
	var err error
	if m.Config, err = loadServeConfig(m.FS, &dataFlags{}, ""); err != nil {
		return err
	}
	if err := m.Config.Validate(); err != nil {
		return err
	}
	// One app per database: a second start raises the running window.
	inst, raised, err := instance.Claim(e.ctx, filepath.Dir(m.Config.DB))
	if err != nil {
		return err
	}
	if raised {
		fmt.Fprintln(e.stderr, "powerwatch: already running; its window was brought to the front")
		return nil
	}
	defer inst.Close()
	logw, err := m.OpenLog()
	if err != nil {
		return err
	}
	defer logw.Close()
	m.Logger = slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelInfo}))
	restart := new(atomic.Bool)
	if err := runDesktop(e, instanceMain{desk: desk{m}, inst: inst, restart: restart}, hidden); err != nil || !restart.Load() {
		return err
	}
	// A backup was put back in 设置: the service was stopped for it; start
	// the app anew on the restored file once this one let go of it.
	inst.Close()
	return relaunch()
}

// instanceMain is the office's service with its single-instance end, so
// runDesktop can route raise requests to the window.
type instanceMain struct {
	desk
	inst    *instance.Instance
	restart *atomic.Bool // a backup was restored in 设置: start again
}

// UIDeps adds 设置's 备份与恢复, which only the office app offers: it stops
// this service to restore.
func (m instanceMain) UIDeps() ui.Deps {
	d := m.desk.UIDeps()
	d.Backups = backupDesk{m: m.Main, restart: m.restart}
	return d
}

func (m instanceMain) OnRaise(fn func()) { m.inst.OnRaise(fn) }
