// Package mapview draws the district map: Beijing's district outlines, street
// names and the enterprises as markers, clustered where they overlap. Render
// paints a Scene into an image (the screen, the PNG export and the episode
// report's PDF use the same picture); Map is the Fyne widget around it, with
// pan by dragging, zoom by scrolling, a hover card and taps. It knows nothing
// of alarms or orders: the caller gives each marker its state.
package mapview
