package ui

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fileTree makes a folder of files for the file dialog to show:
// two spreadsheets, a text file, a hidden one and a sub-folder.
func fileTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, name := range []string{"b.csv", "A.xlsx", "notes.txt", ".hidden.xlsx", "sub/c.xlsx", "sub/deeper/d.csv"} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// names are the rows the dialog lists.
func (fd *fileDialog) names() []string {
	out := make([]string, len(fd.entries))
	for i, e := range fd.entries {
		out[i] = e.name
	}
	return out
}

// row is the list index of the row named name.
func (fd *fileDialog) row(t *testing.T, name string) widget.ListItemID {
	t.Helper()
	for i, e := range fd.entries {
		if e.name == name {
			return i
		}
	}
	t.Fatalf("no %q in %v", name, fd.names())
	return -1
}

// fyneEnglish are Fyne's own texts that must not show in the Chinese UI.
var fyneEnglish = []string{"(Select one)", "Open File", "Save File", "Cancel", "Confirm", "Yes", "No", "OK",
	"Home", "Computer", "Overwrite?"}

func TestFileDialogOpen(t *testing.T) {
	root := fileTree(t)
	s, w := mustShell(t, Deps{Now: func() time.Time { return demoNow }})
	var picked []string
	fd := s.openFileDialog(s.tr.T("fd.title.open"), []string{".xlsx", ".CSV"}, func(p string) { picked = append(picked, p) })
	shown := texts(topDialog(t, w))
	for _, want := range []string{"打开文件", "上一级", "此电脑", "打开", "取消", "只显示 *.xlsx, *.csv"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the dialog does not say %q:\n%s", want, shown)
		}
	}
	for _, en := range fyneEnglish {
		if strings.Contains("\n"+shown, "\n"+en+"\n") {
			t.Errorf("the dialog shows Fyne's %q", en)
		}
	}

	fd.open(root)
	if want := []string{"sub", "A.xlsx", "b.csv"}; !reflect.DeepEqual(fd.names(), want) {
		t.Errorf("listed %v, want %v (folders first, only the types asked for, no hidden files)", fd.names(), want)
	}
	if !fd.ok.Disabled() {
		t.Error("打开 is enabled before a file is chosen")
	}
	fd.filter.SetSelectedIndex(1) // 全部文件
	if want := []string{"sub", "A.xlsx", "b.csv", "notes.txt"}; !reflect.DeepEqual(fd.names(), want) {
		t.Errorf("with 全部文件 listed %v, want %v", fd.names(), want)
	}
	fd.filter.SetSelectedIndex(0)

	fd.list.Select(fd.row(t, "sub")) // a folder opens on a tap
	if fd.dir != filepath.Join(root, "sub") || fd.pathBar.Text != fd.dir {
		t.Errorf("after tapping sub the dialog shows %q (path bar %q)", fd.dir, fd.pathBar.Text)
	}
	if want := []string{"deeper", "c.xlsx"}; !reflect.DeepEqual(fd.names(), want) {
		t.Errorf("sub lists %v, want %v", fd.names(), want)
	}
	test.Tap(button(t, topDialog(t, w), "上一级"))
	if fd.dir != root {
		t.Errorf("上一级 went to %q, want %q", fd.dir, root)
	}

	fd.list.Select(fd.row(t, "A.xlsx"))
	test.Tap(fd.ok)
	if want := []string{filepath.Join(root, "A.xlsx")}; !reflect.DeepEqual(picked, want) {
		t.Fatalf("picked %v, want %v", picked, want)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stays open after 打开")
	}
	again := s.openFileDialog("", nil, func(string) {})
	if again.dir != root {
		t.Errorf("the next dialog opens in %q, want the last folder %q", again.dir, root)
	}
}

func TestFileDialogPathBar(t *testing.T) {
	root := fileTree(t)
	s, _ := mustShell(t, Deps{Now: func() time.Time { return demoNow }})
	var picked string
	fd := s.openFileDialog("", []string{".csv"}, func(p string) { picked = p })
	fd.open(root)
	tests := []struct {
		typed   string
		wantDir string
		wantMsg string
	}{
		{filepath.Join(root, "sub", "deeper"), filepath.Join(root, "sub", "deeper"), ""},
		{filepath.Join(root, "missing"), filepath.Join(root, "sub", "deeper"), "找不到 " + filepath.Join(root, "missing")},
		{filepath.Join(root, "notes.txt"), filepath.Join(root, "sub", "deeper"), "notes.txt 不是所需的文件类型（.csv）"},
		{"此电脑", computerView, ""},
	}
	for _, tt := range tests {
		fd.pathBar.SetText(tt.typed)
		fd.pathBar.OnSubmitted(tt.typed)
		if fd.dir != tt.wantDir || fd.msg.Text != tt.wantMsg {
			t.Errorf("typed %q: shows %q saying %q, want %q saying %q", tt.typed, fd.dir, fd.msg.Text, tt.wantDir, tt.wantMsg)
		}
	}
	if want := computerRoots(); !reflect.DeepEqual(fd.names(), want) {
		t.Errorf("此电脑 lists %v, want %v", fd.names(), want)
	}
	fd.open(filepath.Join(root, "gone"))
	if fd.dir != computerView || !strings.Contains(fd.msg.Text, "无法打开 "+filepath.Join(root, "gone")+"：不存在") {
		t.Errorf("opening a missing folder: shows %q saying %q", fd.dir, fd.msg.Text)
	}
	typed := filepath.Join(root, "b.csv")
	fd.pathBar.OnSubmitted(typed)
	if picked != typed {
		t.Errorf("typing a file's path picked %q, want %q", picked, typed)
	}
}

func TestFileDialogSave(t *testing.T) {
	root := fileTree(t)
	s, w := mustShell(t, Deps{Now: func() time.Time { return demoNow }})
	var picked []string
	fd := s.saveFileDialog(s.tr.T("fd.title.save"), "报告.xlsx", func(p string) { picked = append(picked, p) })
	fd.open(root)
	if want := []string{"sub", "A.xlsx"}; !reflect.DeepEqual(fd.names(), want) {
		t.Errorf("listed %v, want %v (files of the name's type)", fd.names(), want)
	}
	if fd.name.Text != "报告.xlsx" {
		t.Errorf("proposed name %q", fd.name.Text)
	}
	for _, tt := range []struct{ name, msg string }{
		{"  ", "请输入文件名"},
		{`a/b.xlsx`, "文件名 a/b.xlsx 不能包含字符 /"},
		{`a?.xlsx`, "文件名 a?.xlsx 不能包含字符 ?"},
	} {
		fd.name.SetText(tt.name)
		test.Tap(fd.ok)
		if fd.msg.Text != tt.msg || len(picked) != 0 {
			t.Errorf("saving as %q says %q (picked %v), want %q", tt.name, fd.msg.Text, picked, tt.msg)
		}
	}

	// An existing file is replaced only after 覆盖.
	fd.list.Select(fd.row(t, "A.xlsx"))
	if fd.name.Text != "A.xlsx" {
		t.Errorf("choosing A.xlsx proposes %q", fd.name.Text)
	}
	test.Tap(fd.ok)
	ask := texts(topDialog(t, w))
	if !strings.Contains(ask, "文件已存在，是否覆盖？") || !strings.Contains(ask, filepath.Join(root, "A.xlsx")) {
		t.Fatalf("no overwrite question:\n%s", ask)
	}
	test.Tap(button(t, topDialog(t, w), "取消"))
	if len(picked) != 0 {
		t.Fatalf("picked %v although overwriting was declined", picked)
	}
	test.Tap(fd.ok)
	test.Tap(button(t, topDialog(t, w), "覆盖"))
	if want := []string{filepath.Join(root, "A.xlsx")}; !reflect.DeepEqual(picked, want) {
		t.Fatalf("after 覆盖 picked %v, want %v", picked, want)
	}

	// A new name is picked at once, with the type added when left off.
	fd = s.saveFileDialog("", "报告.xlsx", func(p string) { picked = append(picked, p) })
	fd.name.SetText("新报告")
	fd.name.OnSubmitted(fd.name.Text)
	if want := filepath.Join(root, "新报告.xlsx"); picked[len(picked)-1] != want {
		t.Errorf("picked %q, want %q", picked[len(picked)-1], want)
	}

	fd = s.saveFileDialog("", "data", func(p string) { picked = append(picked, p) })
	fd.name.SetText("sub")
	test.Tap(fd.ok)
	if fd.msg.Text != "已有同名文件夹 sub，请换一个文件名" {
		t.Errorf("saving over a folder says %q", fd.msg.Text)
	}
}

func TestFileDialogCancel(t *testing.T) {
	s, w := mustShell(t, Deps{Now: func() time.Time { return demoNow }})
	called := false
	s.openFileDialog("", nil, func(string) { called = true })
	test.Tap(button(t, topDialog(t, w), "取消"))
	if called || w.Canvas().Overlays().Top() != nil {
		t.Errorf("取消: picked %v, dialog still shown %v", called, w.Canvas().Overlays().Top() != nil)
	}
}

func TestFolderDialog(t *testing.T) {
	root := fileTree(t)
	s, w := mustShell(t, Deps{Now: func() time.Time { return demoNow }})
	home, _ := os.UserHomeDir() // mustShell's temporary HOME
	for _, d := range []string{"Desktop", "文档"} {
		if err := os.Mkdir(filepath.Join(home, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var picked string
	fd := s.folderDialog(s.tr.T("fd.title.folder"), func(p string) { picked = p })
	if fd.dir != filepath.Join(home, "文档") {
		t.Errorf("the first dialog opens in %q, want the documents folder", fd.dir)
	}
	for label, want := range map[string]bool{"桌面": true, "文档": true, "下载": false, "此电脑": true} {
		if _, ok := fd.places[label]; ok != want {
			t.Errorf("shortcut %s shown: %v, want %v", label, ok, want)
		}
	}
	test.Tap(fd.places["桌面"])
	if fd.dir != filepath.Join(home, "Desktop") {
		t.Errorf("桌面 opened %q", fd.dir)
	}
	test.Tap(fd.places["此电脑"])
	if fd.dir != computerView || !fd.ok.Disabled() {
		t.Errorf("此电脑: shows %q, 选择此文件夹 enabled %v", fd.dir, !fd.ok.Disabled())
	}
	fd.open(root)
	if want := []string{"sub"}; !reflect.DeepEqual(fd.names(), want) {
		t.Errorf("a folder dialog lists %v, want %v", fd.names(), want)
	}
	fd.list.Select(0)
	test.Tap(button(t, topDialog(t, w), "选择此文件夹"))
	if want := filepath.Join(root, "sub"); picked != want {
		t.Errorf("picked %q, want %q", picked, want)
	}
}

func TestDrivesOf(t *testing.T) {
	for _, tt := range []struct {
		mask uint32
		want []string
	}{
		{0, nil},
		{1<<2 | 1<<3, []string{`C:\`, `D:\`}},
		{1 | 1<<25, []string{`A:\`, `Z:\`}},
	} {
		if got := drivesOf(tt.mask); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("drivesOf(%b) = %v, want %v", tt.mask, got, tt.want)
		}
	}
}

// TestImportThroughFileDialog: 导入 on 企业 opens the app's dialog, and the
// file picked there is what gets imported.
func TestImportThroughFileDialog(t *testing.T) {
	root := fileTree(t)
	var path string
	d := demoDeps(demoDistrict(demoNow), demoNow)
	d.Transfer = fakeTransfer{ImportFn: func(_ context.Context, _, p string, _ func(int, int)) error {
		path = p
		return nil
	}}
	s, w := mustShell(t, d)
	s.app.Preferences().SetString(prefFileDir, root)
	s.Show(ViewEnterprises)
	s.Wait()
	s.ents.onImport()
	dlg := topDialog(t, w)
	var list *widget.List
	walk(dlg, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.List); ok {
			list = l
		}
	})
	if list == nil {
		t.Fatalf("no file list in:\n%s", texts(dlg))
	}
	list.Select(2) // sub, A.xlsx, b.csv
	test.Tap(button(t, dlg, "打开"))
	s.Wait()
	if want := filepath.Join(root, "b.csv"); path != want {
		t.Errorf("imported %q, want %q", path, want)
	}
}

// TestStatisticsExportThroughFileDialog: 导出 on 统计 writes the workbook
// where the save dialog says, replacing the file there after 覆盖.
func TestStatisticsExportThroughFileDialog(t *testing.T) {
	root := t.TempDir()
	old := filepath.Join(root, "用电统计.xlsx")
	if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, w := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	s.app.Preferences().SetString(prefFileDir, root)
	s.Show(ViewStatistics)
	s.Wait()
	st := s.screens[ViewStatistics].(*statisticsScreen)
	st.onExport()
	test.Tap(button(t, topDialog(t, w), "保存"))
	test.Tap(button(t, topDialog(t, w), "覆盖"))
	s.Wait()
	data, err := os.ReadFile(old)
	if err != nil || !strings.HasPrefix(string(data), "PK") {
		t.Errorf("the export left %q (%v), want a new workbook", data, err)
	}
}
