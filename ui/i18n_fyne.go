package ui

import (
	"encoding/json"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// fyneMessageIDs are the texts Fyne's own widgets and dialogs translate
// through its lang package (buttons of dialogs, the file dialog's title,
// entry menus). Their texts are ours too, as "fyne.<id>" in
// assets/translations, so they follow the language chosen in 设置.
var fyneMessageIDs = []string{"(Parent)", "Advanced", "Cancel", "Confirm", "Copy", "Create Folder", "Cut",
	"Enter filename", "Error", "Favourites", "File", "Folder", "New Folder", "No", "OK", "Open", "Paste", "Quit",
	"Redo", "Save", "Select all", "Show Hidden Files", "Undo", "Yes", "file.name", "file.parent"}

// fyneLocales are the languages Fyne ships translations for. Fyne picks one
// of them from the operating system's locale (English when none matches) and
// offers no way to choose: registering the chosen language's texts under
// every one of them makes whichever it picked speak that language.
var fyneLocales = []fyne.Locale{"en", "cs", "de", "el", "es", "fr", "pl", "pt", "pt-BR", "ru", "sv", "ta", "uk", "zh-Hans"}

// applyFyneLanguage makes Fyne's own texts those of t's language. Fyne keeps
// them process-wide, so the last shell to call it wins; the app has one.
// Dialogs opened afterwards show the new texts.
func applyFyneLanguage(t *translator) error {
	msgs := make(map[string]string, len(fyneMessageIDs))
	for _, id := range fyneMessageIDs {
		msgs[id] = t.T("fyne." + id)
	}
	data, err := json.Marshal(msgs)
	if err != nil {
		return fmt.Errorf("fyne translations: %w", err)
	}
	for _, l := range fyneLocales {
		if err := lang.AddTranslationsForLocale(data, l); err != nil {
			return fmt.Errorf("fyne translations for %s: %w", l, err)
		}
	}
	return nil
}
