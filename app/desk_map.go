package main

import (
	"context"
	"fmt"
	"image"

	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui/mapview"
)

// episodeMap is the district map of an episode report for its PDF
// (mapview.EpisodeMap) with the registry of db.
func episodeMap(ctx context.Context, db *sqlite.DB, district string, r store.EpisodeReport) (image.Image, error) {
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return nil, fmt.Errorf("map of the episode: %w", err)
	}
	return mapview.EpisodeMap(reg, district, r)
}
