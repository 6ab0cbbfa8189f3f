// Package assets holds what the app embeds: the CJK font, the app icon and the
// user-interface translations. It exports resources only, no logic.
package assets

import (
	"embed"
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed font/wqy-microhei.ttf
var fontTTF []byte

// FontRegular is WenQuanYi Micro Hei subset to GB2312, ASCII and Latin-1
// (font/LICENSE.txt, Apache-2.0). It is a TTF because Fyne crashes on a TTC and
// go-chart reads TrueType only; the same face serves the widgets and the charts.
var FontRegular fyne.Resource = fyne.NewStaticResource("wqy-microhei.ttf", fontTTF)

//go:embed icon.png
var iconPNG []byte

// Icon is the app icon (drawn by icon_gen.go), used for the window, the tray and packaging.
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", iconPNG)

// Translations holds translations/zh.json and translations/en.json in the
// go-i18n format of fyne.io/fyne/v2/lang: message id → text.
//
//go:embed translations/*.json
var Translations embed.FS
