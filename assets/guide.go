package assets

import _ "embed"

// The user guide shown by the app's 帮助 view; docs/guide.md is the same
// Chinese text for readers of the repository (TestGuideInDocs keeps them equal).
var (
	//go:embed guide/zh.md
	GuideZH string
	//go:embed guide/en.md
	GuideEN string
)
