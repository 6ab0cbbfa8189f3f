package main

import (
	"syscall"
	"unsafe"

	"fyne.io/fyne/v2"
)

var (
	user32                   = syscall.NewLazyDLL("user32.dll")
	procSystemParametersInfo = user32.NewProc("SystemParametersInfoW")
	procGetDpiForSystem      = user32.NewProc("GetDpiForSystem")
)

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
