package winplace

import (
	"syscall"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

var (
	user32                   = syscall.NewLazyDLL("user32.dll")
	procSystemParametersInfo = user32.NewProc("SystemParametersInfoW")
	procGetDpiForSystem      = user32.NewProc("GetDpiForSystem")
	procGetWindowRect        = user32.NewProc("GetWindowRect")
	procSetWindowPos         = user32.NewProc("SetWindowPos")
	procMonitorFromRect      = user32.NewProc("MonitorFromRect")
	procIsIconic             = user32.NewProc("IsIconic")
	procIsZoomed             = user32.NewProc("IsZoomed")
)

// rect is Win32's RECT.
type rect struct{ left, top, right, bottom int32 }

// hwnd is w's native window handle, 0 while it has none (not shown yet).
func hwnd(w fyne.Window) uintptr {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return 0
	}
	var h uintptr
	nw.RunNative(func(ctx any) {
		if c, ok := ctx.(driver.WindowsWindowContext); ok {
			h = c.HWND
		}
	})
	return h
}

// windowFrame is w's frame on the desktop (GetWindowRect). A minimised or
// maximised window has none worth keeping: minimised it sits at -32000,
// and maximised is not a place.
func windowFrame(w fyne.Window) (windowRect, bool) {
	h := hwnd(w)
	if h == 0 {
		return windowRect{}, false
	}
	if iconic, _, _ := procIsIconic.Call(h); iconic != 0 {
		return windowRect{}, false
	}
	if zoomed, _, _ := procIsZoomed.Call(h); zoomed != 0 {
		return windowRect{}, false
	}
	var r rect
	if ok, _, _ := procGetWindowRect.Call(h, uintptr(unsafe.Pointer(&r))); ok == 0 {
		return windowRect{}, false
	}
	return windowRect{int(r.left), int(r.top), int(r.right), int(r.bottom)}, true
}

// titleBarPixels is how much of the frame's top must be on a monitor for
// the officer to reach the title bar and drag the window.
const titleBarPixels = 32

// onScreen reports whether the title bar of frame r lies on a monitor
// (MonitorFromRect with MONITOR_DEFAULTTONULL): a place kept on a monitor
// since unplugged, or a desktop since made smaller, is not restored.
func onScreen(r windowRect) bool {
	const monitorDefaultToNull = 0
	bar := rect{int32(r.Left), int32(r.Top), int32(r.Right), int32(r.Top + titleBarPixels)}
	m, _, _ := procMonitorFromRect.Call(uintptr(unsafe.Pointer(&bar)), monitorDefaultToNull)
	return m != 0
}

// moveWindow puts w's top-left corner where r's is; its size stays Fyne's.
func moveWindow(w fyne.Window, r windowRect) {
	h := hwnd(w)
	if h == 0 {
		return
	}
	const swpNoSize, swpNoZOrder, swpNoActivate = 0x0001, 0x0004, 0x0010
	procSetWindowPos.Call(h, 0, uintptr(int32(r.Left)), uintptr(int32(r.Top)), 0, 0, swpNoSize|swpNoZOrder|swpNoActivate)
}

// workArea is the primary screen less the taskbar, in pixels
// (SPI_GETWORKAREA), without cgo.
func workArea() (fyne.Size, bool) {
	var r struct{ left, top, right, bottom int32 }
	const spiGetWorkArea = 0x0030
	if ok, _, _ := procSystemParametersInfo.Call(spiGetWorkArea, 0, uintptr(unsafe.Pointer(&r)), 0); ok == 0 {
		return fyne.Size{}, false
	}
	w, h := r.right-r.left, r.bottom-r.top
	if w <= 0 || h <= 0 {
		return fyne.Size{}, false
	}
	// FitWindow takes the whole screen and leaves the taskbar itself.
	return fyne.NewSize(float32(w), float32(h)+taskbarPixels(float32(h))), true
}

// taskbarPixels is put back onto the work area's height, so FitWindow's own
// taskbar allowance is not taken twice.
func taskbarPixels(float32) float32 { return 40 * systemScale() }

// systemScale is Windows' display scale (GetDpiForSystem ÷ 96; Windows 10 1607+).
func systemScale() float32 {
	if procGetDpiForSystem.Find() != nil {
		return 1
	}
	dpi, _, _ := procGetDpiForSystem.Call()
	if dpi == 0 {
		return 1
	}
	return float32(dpi) / 96
}
