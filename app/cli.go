package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"powerwatch/app/service"
)

// env is what a subcommand gets from the process: its streams and a context
// that ends on SIGINT/SIGTERM.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// A command is one subcommand path of the CLI, e.g. "hj212 decode".
type command struct {
	path    string // words after "powerwatch"
	summary string // one line, English / 中文
	run     func(e *env, args []string) error
}

// commands lists every subcommand. Each file cmd_*.go adds its own lines here.
func commands() []command {
	return []command{
		{"version", "print the version / 版本", runVersion},
		{"serve", "the service without a window: HJ 212 listener and ingest / 无窗口运行服务", runServe},
		{"import registry", "import the registry from .xlsx/.csv / 导入企业名录", runImportRegistry},
		{"import orders", "import control orders from .xlsx/.csv / 导入管控指令", runImportOrders},
		{"import filings", "import 报备 filings from .xlsx/.csv / 导入报备", runImportFilings},
		{"export registry", "export the registry as .xlsx/.csv / 导出企业名录", runExportRegistry},
		{"registry links", "treatment links awaiting confirmation; --confirm one / 待确认的治理设施关联", runRegistryLinks},
		{"hj212 decode", "decode HJ 212 frames from stdin, one JSON object per line / 解码", runHJ212Decode},
		{"hj212 encode", "build one HJ 212 frame from flags / 编码", runHJ212Encode},
		{"simulate", "simulated terminals talking HJ 212 to a listener / 模拟数采仪", runSimulate},
		{"demo", "the desktop app on a simulated district / 演示模式", runDemo},
		{"alarms list", "alarms as JSON lines or CSV / 报警列表", runAlarmsList},
		{"alarms evaluate", "re-run the rules over stored data / 重新研判", runAlarmsEvaluate},
		{"alarms evidence", "evidence folder of an alarm: PDF, raw packets, series, SHA-256 manifest / 导出证据", runAlarmsEvidence},
		{"alarms verify", "check an evidence folder against its manifest / 校验证据", runAlarmsVerify},
		{"review export", "alarms with their data to an offline review package / 导出离线复核包", runReviewExport},
		{"review import", "decisions of a review package back, conflicts listed / 导入复核结果", runReviewImport},
		{"review open", "the desktop app on a review package, no listener (a laptop) / 离线复核", runReviewOpen},
		{"export readings", "stored values of a terminal as CSV/JSON / 导出原始数据", runExportReadings},
		{"export stats", "consumption with 同比/环比 as CSV/JSON/xlsx / 导出用电统计", runExportStats},
		{"backup", "a consistent copy of the database now / 立即备份", runBackup},
		{"restore", "put a backup back: service stopped, current file kept aside, inbox drained / 从备份恢复", runRestore},
		{"inbox", "uploads set aside because the database refused them: list, retry, export / 搁置的上传", runInbox},
		{"tasks list", "maintenance tasks as JSON lines or CSV / 运维任务", runTasksList},
		{"records export", "maintenance records to .xlsx, or one as the printed form (.pdf) / 导出运维记录", runRecordsExport},
		{"report install", "an enterprise's survey and installation report as PDF, with point-design warnings / 勘察安装报告", runReportInstall},
		{"acceptance", "acceptance / inspection test of an enterprise's points: packets, delay, off/on seen / 验收巡检测试", runAcceptance},
		{"thresholds propose", "stop/run limits proposed from each facility's own history, with evidence / 限值建议", runThresholdsPropose},
		{"gen", "generate a demo district with readings / 生成演示数据", runGen},
		{"bench startup", "time the desktop app's start on a database, phase by phase / 启动耗时", runBenchStartup},
		{"bench ui", "time each interaction of the desktop views on a database / 界面响应耗时", runBenchUI},
	}
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// dispatch finds the longest command path that prefixes args and runs it.
// It returns the process exit status.
func dispatch(e *env, args []string) int {
	if len(args) == 0 || args[0] == "--tray" {
		return exitStatus(e.stderr, "(desktop)", runDesktopCmd(e, args))
	}
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return len(cmds[i].path) > len(cmds[j].path) })
	for _, c := range cmds {
		words := strings.Fields(c.path)
		if len(args) < len(words) || strings.Join(args[:len(words)], " ") != c.path {
			continue
		}
		err := c.run(e, args[len(words):])
		return exitStatus(e.stderr, c.path, err)
	}
	if len(args) > 0 && args[0] != "help" && args[0] != "--help" && args[0] != "-h" {
		fmt.Fprintf(e.stderr, "powerwatch: unknown command %q\n\n", strings.Join(args, " "))
		printUsage(e.stderr, cmds)
		return 2
	}
	printUsage(e.stdout, cmds)
	return 0
}

func exitStatus(w io.Writer, path string, err error) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(w, "powerwatch %s: %v\n(run 'powerwatch %s --help')\n", path, err, path)
		return 2
	default:
		fmt.Fprintf(w, "powerwatch %s: %v\n", path, err)
		return 1
	}
}

func printUsage(w io.Writer, cmds []command) {
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].path < cmds[j].path })
	fmt.Fprintln(w, "usage: powerwatch [command] [flags]   (no command: the desktop app / 无参数启动桌面程序)")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-20s %s\n", c.path, c.summary)
	}
}

// newFlags returns a flag set for a command whose errors are returned, not printed and exited on.
func newFlags(e *env, path, args string) *flag.FlagSet {
	fs := flag.NewFlagSet("powerwatch "+path, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: powerwatch %s %s\n", path, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args with flags allowed before, between and after the
// positional arguments, which it returns. "--" ends flag parsing.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// dataFlags are the flags of every command that touches the data.
type dataFlags struct {
	db     string
	config string
}

func addDataFlags(fs *flag.FlagSet) *dataFlags {
	d := &dataFlags{}
	fs.StringVar(&d.db, "db", "", "SQLite database file (default: powerwatch.db in the user data folder)")
	fs.StringVar(&d.config, "config", "", "config file, JSON (default: powerwatch.json next to the database)")
	return d
}

// path is --db, or powerwatch.db in the user's data folder.
func (d *dataFlags) path() string {
	if d.db != "" {
		return d.db
	}
	return service.DefaultDB()
}
