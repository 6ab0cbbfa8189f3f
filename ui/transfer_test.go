package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// fakeTransfer is RegistryTransfer with Fn fields.
type fakeTransfer struct {
	ImportFn func(ctx context.Context, who, path string, progress func(done, total int)) error
	ExportFn func(ctx context.Context, path string, progress func(done, total int)) error
}

func (f fakeTransfer) ImportRegistry(ctx context.Context, who, path string, progress func(int, int)) error {
	return f.ImportFn(ctx, who, path, progress)
}

func (f fakeTransfer) ExportRegistry(ctx context.Context, path string, progress func(int, int)) error {
	return f.ExportFn(ctx, path, progress)
}

func TestImportReport(t *testing.T) {
	var who, path string
	d := demoDeps(demoDistrict(demoNow), demoNow)
	d.Transfer = fakeTransfer{ImportFn: func(_ context.Context, w, p string, progress func(int, int)) error {
		who, path = w, p
		progress(40, 120)
		return errors.Join(errors.New("第 17 行，列 电流因子: 不是因子编码"), errors.New("第 40 行，列 MN: 与第 12 行重复"))
	}}
	s, w := mustShell(t, d)
	s.Show(ViewEnterprises)
	s.Wait()
	s.ents.importFile("/data/名录.xlsx")
	s.Wait()
	if who != "张三" || path != "/data/名录.xlsx" {
		t.Errorf("import called as %q on %q", who, path)
	}
	got := texts(topDialog(t, w))
	for _, want := range []string{"发现 2 处错误", "第 17 行，列 电流因子", "第 40 行，列 MN"} {
		if !strings.Contains(got, want) {
			t.Errorf("import report lacks %q:\n%s", want, got)
		}
	}
}

// TestImportCancel ensures Cancel ends the import's context and says so.
func TestImportCancel(t *testing.T) {
	started := make(chan struct{})
	d := demoDeps(demoDistrict(demoNow), demoNow)
	d.Transfer = fakeTransfer{ImportFn: func(ctx context.Context, _, _ string, _ func(int, int)) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}}
	s, w := mustShell(t, d)
	s.Show(ViewEnterprises)
	s.Wait()
	s.ents.importFile("big.xlsx")
	<-started
	b := button(t, topDialog(t, w), "取消")
	b.OnTapped()
	s.Wait()
	if got := texts(topDialog(t, w)); !strings.Contains(got, "已取消") {
		t.Errorf("after Cancel the dialog says:\n%s", got)
	}
}
