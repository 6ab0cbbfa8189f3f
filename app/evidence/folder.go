package evidence

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"powerwatch/store"
)

// FolderOptions say who exports an evidence folder, when, with which key,
// and whether it is zipped too.
type FolderOptions struct {
	Who    string
	Now    time.Time
	KeyDir string // where the signing key is kept (the data folder); the first export makes it
	Zip    bool   // also pack the folder into a .zip next to it
}

// ExportFolder writes the evidence of alarm id into a new folder under dir,
// named after the alarm and the time, and returns the folder's path: what
// the 报警 view and `alarms evidence` write.
func ExportFolder(ctx context.Context, src Source, id int64, dir string, o FolderOptions) (string, error) {
	now := o.Now
	out := filepath.Join(dir, fmt.Sprintf("报警证据_%d_%s", id, now.In(store.Beijing).Format("20060102-150405")))
	key, err := LoadOrCreateKey(o.KeyDir)
	if err != nil {
		return "", err
	}
	if _, err := Export(ctx, src, id, out, Options{Who: o.Who, Now: func() time.Time { return now }, Compress: true, Key: key}); err != nil {
		return "", err
	}
	if o.Zip {
		if err := Zip(out, out+".zip"); err != nil {
			return out, err
		}
	}
	return out, nil
}
