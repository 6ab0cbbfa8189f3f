package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// prefFileDir is the folder the last file dialog picked from, where the next
// one opens: officers save a day's exports to the same place.
const prefFileDir = "ui.filedialog.dir"

// photoExts are the pictures a maintenance record or survey takes.
var photoExts = []string{".jpg", ".jpeg", ".png"}

// fileMode is what a fileDialog asks for.
type fileMode int

const (
	pickFile   fileMode = iota // an existing file to read
	saveFile                   // a file name to write, new or confirmed to overwrite
	pickFolder                 // an existing folder
)

// computerView is the folder a fileDialog shows when it lists the drives
// (此电脑) rather than a real folder.
const computerView = ""

// fileEntry is one row of a fileDialog's list.
type fileEntry struct {
	name string // shown; the full path for the drives of 此电脑
	path string
	dir  bool
}

// fileDialog is the app's own file open / save / folder dialog. Fyne's
// cannot be fully translated (its places read "Home" and "Computer", its
// overwrite question "Overwrite?"), and officers read Chinese only. It hands
// the caller a path: what is read or written there is the caller's business,
// so nothing is created until the caller writes.
type fileDialog struct {
	s      *Shell
	mode   fileMode
	exts   []string // lower case, with the dot; empty: every file
	picked func(path string)

	dir      string // the folder shown, or computerView
	entries  []fileEntry
	selected string // the file chosen in the list (pickFile)

	dlg     *dialog.CustomDialog
	pathBar *widget.Entry
	list    *widget.List
	filter  *widget.Select // every file, or only exts
	all     bool           // the filter shows every file
	name    *widget.Entry  // saveFile only
	msg     *widget.Label
	ok      *widget.Button
	places  map[string]*widget.Button
}

// openFileDialog asks for an existing file, one of exts (".xlsx") when any
// are given, and calls picked with its path.
func (s *Shell) openFileDialog(title string, exts []string, picked func(path string)) *fileDialog {
	return s.showFileDialog(pickFile, title, exts, "", picked)
}

// saveFileDialog asks where to write a file, proposing name, and calls
// picked with the path once the officer confirmed overwriting an existing
// file. Files of name's extension are listed.
func (s *Shell) saveFileDialog(title, name string, picked func(path string)) *fileDialog {
	var exts []string
	if ext := filepath.Ext(name); ext != "" {
		exts = []string{strings.ToLower(ext)}
	}
	return s.showFileDialog(saveFile, title, exts, name, picked)
}

// folderDialog asks for an existing folder and calls picked with its path.
func (s *Shell) folderDialog(title string, picked func(path string)) *fileDialog {
	return s.showFileDialog(pickFolder, title, nil, "", picked)
}

func (s *Shell) showFileDialog(mode fileMode, title string, exts []string, name string, picked func(string)) *fileDialog {
	fd := &fileDialog{s: s, mode: mode, picked: picked, places: map[string]*widget.Button{}}
	for _, e := range exts {
		fd.exts = append(fd.exts, strings.ToLower(e))
	}
	fd.build(title, name)
	fd.open(fd.startDir())
	fd.dlg.Show()
	if c := s.win.Canvas().Size(); c.Width > 0 {
		fd.dlg.Resize(fyne.NewSize(min(820, c.Width-40), min(560, c.Height-40)))
	}
	if fd.name != nil {
		s.win.Canvas().Focus(fd.name)
	}
	return fd
}

func (fd *fileDialog) build(title, name string) {
	tr := fd.s.tr
	fd.pathBar = widget.NewEntry()
	fd.pathBar.OnSubmitted = fd.typed
	up := widget.NewButtonWithIcon(tr.T("fd.up"), theme.MoveUpIcon(), fd.up)
	fd.list = widget.NewList(func() int { return len(fd.entries) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.FolderIcon()), widget.NewLabel(""))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(fd.entries) {
				return
			}
			e, row := fd.entries[id], o.(*fyne.Container)
			icon := theme.FileIcon()
			if e.dir {
				icon = theme.FolderIcon()
			}
			row.Objects[0].(*widget.Icon).SetResource(icon)
			row.Objects[1].(*widget.Label).SetText(e.name)
		})
	fd.list.OnSelected = fd.choose
	fd.msg = widget.NewLabel("")
	fd.msg.Importance = widget.DangerImportance
	fd.msg.Wrapping = fyne.TextWrapWord

	action := tr.T("fd.open")
	switch fd.mode {
	case saveFile:
		action = tr.T("fd.save")
	case pickFolder:
		action = tr.T("fd.pick")
	}
	fd.ok = widget.NewButton(action, fd.confirm)
	fd.ok.Importance = widget.HighImportance
	cancel := widget.NewButton(tr.T("common.cancel"), func() { fd.dlg.Hide() })
	bottom := []fyne.CanvasObject{fd.msg}
	if fd.mode == saveFile {
		fd.name = widget.NewEntry()
		fd.name.SetText(name)
		fd.name.SetPlaceHolder(tr.T("fd.name.hint"))
		fd.name.OnSubmitted = func(string) { fd.confirm() }
		bottom = append(bottom, container.NewBorder(nil, nil, widget.NewLabel(tr.T("fd.name")), nil, fd.name))
	}
	var filterBox fyne.CanvasObject = layout.NewSpacer()
	if len(fd.exts) > 0 && fd.mode != pickFolder {
		only := tr.T("fd.filter.only", "*"+strings.Join(fd.exts, ", *"))
		fd.filter = widget.NewSelect([]string{only, tr.T("fd.filter.all")}, func(v string) {
			fd.all = v != only
			fd.open(fd.dir)
		})
		fd.filter.SetSelectedIndex(0)
		filterBox = fd.filter
	}
	bottom = append(bottom, container.NewBorder(nil, nil, nil, container.NewHBox(cancel, fd.ok), filterBox))

	content := container.NewBorder(
		container.NewBorder(nil, nil, up, nil, fd.pathBar),
		container.NewVBox(bottom...),
		fd.placeBar(), nil,
		fd.list)
	fd.dlg = dialog.NewCustomWithoutButtons(title, content, fd.s.win)
}

// placeBar is the column of shortcuts: 桌面, 文档, 下载 where they exist, and
// 此电脑 (the drives on Windows, / elsewhere).
func (fd *fileDialog) placeBar() fyne.CanvasObject {
	tr := fd.s.tr
	box := container.NewVBox()
	for _, p := range userPlaces(tr) {
		b := widget.NewButtonWithIcon(p.label, theme.FolderIcon(), func() { fd.open(p.path) })
		b.Alignment = widget.ButtonAlignLeading
		fd.places[p.label] = b
		box.Add(b)
	}
	label := tr.T("fd.place.computer")
	b := widget.NewButtonWithIcon(label, theme.ComputerIcon(), func() { fd.open(computerView) })
	b.Alignment = widget.ButtonAlignLeading
	fd.places[label] = b
	box.Add(b)
	return box
}

// place is a shortcut of the file dialog.
type place struct {
	label, path string
	documents   bool // the documents folder, where a first dialog opens
}

// userPlaces are the officer's desktop, documents and downloads folders
// that exist, under their English names or the Chinese ones a Chinese
// Linux desktop gives them.
func userPlaces(tr *translator) []place {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil
	}
	var out []place
	for _, p := range []struct {
		label string
		names []string
	}{
		{tr.T("fd.place.desktop"), []string{"Desktop", "桌面"}},
		{tr.T("fd.place.documents"), []string{"Documents", "文档"}},
		{tr.T("fd.place.downloads"), []string{"Downloads", "下载"}},
	} {
		for _, n := range p.names {
			if isDir(filepath.Join(home, n)) {
				out = append(out, place{label: p.label, path: filepath.Join(home, n), documents: n == "Documents" || n == "文档"})
				break
			}
		}
	}
	return out
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// startDir is where the dialog opens: the folder of the last pick, else
// the documents folder, else home, else 此电脑.
func (fd *fileDialog) startDir() string {
	if d := fd.s.app.Preferences().String(prefFileDir); d != "" && isDir(d) {
		return d
	}
	for _, p := range userPlaces(fd.s.tr) {
		if p.documents {
			return p.path
		}
	}
	if home, err := os.UserHomeDir(); err == nil && isDir(home) {
		return home
	}
	return computerView
}

// open shows folder dir (computerView: the drives). When dir cannot be
// read, the folder shown stays and the message says why.
func (fd *fileDialog) open(dir string) {
	entries, err := fd.read(dir)
	if err != nil {
		fd.msg.SetText(fd.s.tr.T("fd.err.read", dir, fd.osError(err)))
		fd.pathBar.SetText(fd.dir)
		return
	}
	fd.dir, fd.entries, fd.selected = dir, entries, ""
	fd.msg.SetText("")
	if dir == computerView {
		fd.pathBar.SetText(fd.s.tr.T("fd.place.computer"))
	} else {
		fd.pathBar.SetText(dir)
	}
	fd.list.UnselectAll()
	fd.list.Refresh()
	fd.list.ScrollToTop()
	fd.ok.Enable()
	if fd.mode == pickFile || (fd.mode == pickFolder && dir == computerView) {
		fd.ok.Disable()
	}
}

// read lists dir's folders, then the files the filter lets through, each
// by name; hidden ones (a leading dot) are left out.
func (fd *fileDialog) read(dir string) ([]fileEntry, error) {
	if dir == computerView {
		var out []fileEntry
		for _, r := range computerRoots() {
			out = append(out, fileEntry{name: r, path: r, dir: true})
		}
		return out, nil
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var dirs, files []fileEntry
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(dir, name)
		isFolder := de.IsDir()
		if de.Type()&fs.ModeSymlink != 0 {
			isFolder = isDir(path)
		}
		switch {
		case isFolder:
			dirs = append(dirs, fileEntry{name: name, path: path, dir: true})
		case fd.mode != pickFolder && fd.shows(name):
			files = append(files, fileEntry{name: name, path: path})
		}
	}
	byName := func(es []fileEntry) {
		sort.Slice(es, func(i, j int) bool { return strings.ToLower(es[i].name) < strings.ToLower(es[j].name) })
	}
	byName(dirs)
	byName(files)
	return append(dirs, files...), nil
}

// shows reports whether the filter lets file name through.
func (fd *fileDialog) shows(name string) bool {
	if fd.all || len(fd.exts) == 0 {
		return true
	}
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range fd.exts {
		if e == ext {
			return true
		}
	}
	return false
}

// choose acts on a tap in the list: a folder opens, a file is chosen (and
// its name proposed when saving).
func (fd *fileDialog) choose(id widget.ListItemID) {
	if id < 0 || id >= len(fd.entries) {
		return
	}
	e := fd.entries[id]
	if e.dir {
		fd.open(e.path)
		return
	}
	fd.selected = e.path
	fd.msg.SetText("")
	switch fd.mode {
	case pickFile:
		fd.ok.Enable()
	case saveFile:
		fd.name.SetText(e.name)
	}
}

// up opens the folder above; above a drive or / comes 此电脑.
func (fd *fileDialog) up() {
	if fd.dir == computerView {
		return
	}
	parent := filepath.Dir(fd.dir)
	if parent == fd.dir {
		parent = computerView
	}
	fd.open(parent)
}

// typed opens the folder typed into the path bar; a file typed there is
// picked as if chosen in the list.
func (fd *fileDialog) typed(text string) {
	path := strings.TrimSpace(text)
	if path == "" || path == fd.s.tr.T("fd.place.computer") {
		fd.open(computerView)
		return
	}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		fd.msg.SetText(fd.s.tr.T("fd.err.missing", path))
	case st.IsDir():
		fd.open(filepath.Clean(path))
	case fd.mode == pickFolder:
		fd.msg.SetText(fd.s.tr.T("fd.err.notfolder", path))
	case fd.mode == saveFile:
		fd.open(filepath.Dir(path))
		fd.name.SetText(filepath.Base(path))
	default:
		fd.selected = filepath.Clean(path)
		fd.confirm()
	}
}

// confirm is the action button: pick the chosen file, the folder shown, or
// the file name typed (after asking before overwriting).
func (fd *fileDialog) confirm() {
	switch fd.mode {
	case pickFile:
		if fd.selected == "" {
			fd.msg.SetText(fd.s.tr.T("fd.err.nofile"))
			return
		}
		if !fd.shows(fd.selected) {
			fd.msg.SetText(fd.s.tr.T("fd.err.type", filepath.Base(fd.selected), strings.Join(fd.exts, ", ")))
			return
		}
		fd.done(fd.selected)
	case pickFolder:
		if fd.dir == computerView {
			fd.msg.SetText(fd.s.tr.T("fd.err.nofolder"))
			return
		}
		fd.done(fd.dir)
	case saveFile:
		fd.save()
	}
}

// save checks the typed name and picks dir/name, asking first when a file
// of that name exists.
func (fd *fileDialog) save() {
	tr := fd.s.tr
	name := strings.TrimSpace(fd.name.Text)
	if msg := fd.badName(name); msg != "" {
		fd.msg.SetText(msg)
		return
	}
	if fd.dir == computerView {
		fd.msg.SetText(tr.T("fd.err.nofolder"))
		return
	}
	if filepath.Ext(name) == "" && len(fd.exts) > 0 {
		name += fd.exts[0]
	}
	path := filepath.Join(fd.dir, name)
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		fd.msg.SetText(tr.T("fd.err.isfolder", name))
	case err == nil:
		fd.s.confirm(tr.T("fd.overwrite.title"), tr.T("fd.overwrite", path), tr.T("fd.overwrite.ok"), func() { fd.done(path) })
	case errors.Is(err, fs.ErrNotExist):
		fd.done(path)
	default:
		fd.msg.SetText(tr.T("fd.err.read", path, fd.osError(err)))
	}
}

// badName says what is wrong with a file name typed for saving ("" when
// nothing): Windows refuses these characters, and a separator would write
// somewhere other than the folder shown.
func (fd *fileDialog) badName(name string) string {
	if name == "" || name == "." || name == ".." {
		return fd.s.tr.T("fd.err.noname")
	}
	if i := strings.IndexAny(name, `<>:"/\|?*`); i >= 0 {
		return fd.s.tr.T("fd.err.badname", name, string(name[i]))
	}
	return ""
}

// done closes the dialog, remembers the folder and hands path over.
func (fd *fileDialog) done(path string) {
	dir := path
	if fd.mode != pickFolder {
		dir = filepath.Dir(path)
	}
	fd.s.app.Preferences().SetString(prefFileDir, dir)
	fd.dlg.Hide()
	fd.picked(path)
}

// osError is an error of the file system in the UI's words.
func (fd *fileDialog) osError(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fd.s.tr.T("fd.err.permission")
	case errors.Is(err, fs.ErrNotExist):
		return fd.s.tr.T("fd.err.notexist")
	}
	return err.Error()
}

// removeOld deletes the file at path when there is one: the officer agreed
// to overwrite it, and writers that refuse an existing file (review
// packages) must find the place free.
func removeOld(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return nil
}
