package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"powerwatch/assets"
)

// ThemeMode is the officer's choice of light, dark or the system's variant.
type ThemeMode string

// Theme modes.
const (
	ThemeSystem ThemeMode = "system"
	ThemeLight  ThemeMode = "light"
	ThemeDark   ThemeMode = "dark"
)

// appTheme is Fyne's default theme with the bundled CJK font, so Chinese
// renders on machines that have no Chinese font, and a fixed variant when the
// officer chose one.
type appTheme struct {
	mode ThemeMode
}

// NewTheme returns the app's theme for mode.
func NewTheme(mode ThemeMode) fyne.Theme { return appTheme{mode: mode} }

func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.mode {
	case ThemeLight:
		v = theme.VariantLight
	case ThemeDark:
		v = theme.VariantDark
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t appTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	return assets.FontRegular
}

func (t appTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (t appTheme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
