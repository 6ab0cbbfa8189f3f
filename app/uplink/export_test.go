package uplink_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"

	"powerwatch/app/uplink"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// registry creates n enterprises with a production and a treatment facility
// and their link, and returns the first enterprise.
func registry(t *testing.T, db *sqlite.DB, n int) store.Enterprise {
	t.Helper()
	ctx := t.Context()
	var first store.Enterprise
	for i := range n {
		e := store.Enterprise{Name: fmt.Sprintf("企业%d", i)}
		must(t, db.CreateEnterprise(ctx, "test", &e))
		p := store.Facility{EnterpriseID: e.ID, Name: "熔炉", Kind: store.Production, RatedKW: 100}
		must(t, db.CreateFacility(ctx, "test", &p))
		q := store.Facility{EnterpriseID: e.ID, Name: "除尘器", Kind: store.Treatment, RatedKW: 20}
		must(t, db.CreateFacility(ctx, "test", &q))
		must(t, db.CreateLink(ctx, "test", &store.Link{ProductionID: p.ID, TreatmentID: q.ID}))
		if i == 0 {
			first = e
		}
	}
	return first
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// cityAPI is an httptest endpoint that fails as told, then records the
// documents it accepted.
type cityAPI struct {
	mu       sync.Mutex
	plan     []string // per request: "500", "hang", anything else is 200
	requests int
	accepted []uplink.Document
}

func (c *cityAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	step := "ok"
	if c.requests < len(c.plan) {
		step = c.plan[c.requests]
	}
	c.requests++
	c.mu.Unlock()
	switch step {
	case "500":
		http.Error(w, "database busy", http.StatusInternalServerError)
		return
	case "hang": // longer than the client's timeout; the answer is lost
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return
	}
	var d uplink.Document
	if err := json.Unmarshal(body, &d); err != nil || r.Header.Get("X-Powerwatch-Batch") != d.Batch {
		http.Error(w, "bad document", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	c.accepted = append(c.accepted, d)
	c.mu.Unlock()
}

// records counts accepted records per entity/id/seq.
func (c *cityAPI) records() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for _, d := range c.accepted {
		for _, r := range d.Records {
			out[fmt.Sprintf("%s/%d/%d", r.Entity, r.ID, r.Seq)]++
		}
	}
	return out
}

// TestExportHTTP ensures that through 500s and a timeout every record
// arrives, none twice after a success, and a later change alone follows.
func TestExportHTTP(t *testing.T) {
	db := mustDB(t)
	ent := registry(t, db, 5) // 5 × (enterprise, 2 facilities, relation) = 20 records
	api := &cityAPI{plan: []string{"500", "hang", "500"}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	ex := &uplink.Exporter{URL: srv.URL, Source: db, District: "朝阳区", Batch: 8,
		Client: &http.Client{Timeout: 200 * time.Millisecond}, MinBackoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond}
	run(t, ex)
	waitFor(t, "20 records", func() bool { return len(api.records()) == 20 })
	ent.Contact = "李工"
	must(t, db.UpdateEnterprise(t.Context(), "test", &ent))
	ex.Wake()
	waitFor(t, "the changed enterprise", func() bool { return len(api.records()) == 21 })
	if n, err := ex.Sync(t.Context()); n != 0 || err != nil {
		t.Errorf("Sync after everything was delivered = %d, %v; want nothing sent", n, err)
	}
	for k, n := range api.records() {
		if n != 1 {
			t.Errorf("record %s accepted %d times, want once", k, n)
		}
	}
	api.mu.Lock()
	last, requests := api.accepted[len(api.accepted)-1], api.requests
	api.mu.Unlock()
	if last.Schema != uplink.SchemaName || last.Version != uplink.SchemaVersion || last.District != "朝阳区" ||
		len(last.Records) != 1 || last.Records[0].Entity != "enterprise" || last.Records[0].Op != "upsert" {
		t.Errorf("last document = %+v, want the one changed enterprise", last)
	}
	st, err := ex.Status(t.Context())
	if err != nil || st.Pending != 0 || !st.Connected || st.LastOK.IsZero() || st.LastError != "" {
		t.Errorf("Status = %+v, %v; want delivered, nothing pending", st, err)
	}
	if requests < 6 {
		t.Errorf("the API saw %d requests, want the 3 failures retried", requests)
	}
}

// TestExportFolder ensures documents land in a shared folder under names
// that sort in batch order, and that a second sync writes nothing.
func TestExportFolder(t *testing.T) {
	db := mustDB(t)
	registry(t, db, 3) // 12 records
	fs := afero.NewMemMapFs()
	ex := &uplink.Exporter{FS: fs, Dir: "/share/city", Source: db, Batch: 5}
	n, err := ex.Sync(t.Context())
	if err != nil || n != 12 {
		t.Fatalf("Sync = %d, %v; want 12 records", n, err)
	}
	files, err := afero.ReadDir(fs, "/share/city")
	if err != nil || len(files) != 3 {
		t.Fatalf("folder holds %d files (%v), want 3 documents of ≤ 5 records", len(files), err)
	}
	var prev int64
	for _, f := range files {
		b, _ := afero.ReadFile(fs, "/share/city/"+f.Name())
		var d uplink.Document
		if err := json.Unmarshal(b, &d); err != nil || d.FromSeq != prev || d.Version != uplink.SchemaVersion {
			t.Fatalf("%s: %+v, %v; want a document continuing from seq %d", f.Name(), d, err, prev)
		}
		prev = d.ToSeq
	}
	if n, err := ex.Sync(t.Context()); n != 0 || err != nil {
		t.Errorf("second Sync = %d, %v; want nothing", n, err)
	}
}

// TestExportMissingTarget ensures an exporter with neither URL nor folder
// fails with an error saying so and keeps its cursor.
func TestExportMissingTarget(t *testing.T) {
	db := mustDB(t)
	registry(t, db, 1)
	ex := &uplink.Exporter{Source: db}
	if _, err := ex.Sync(context.Background()); err == nil {
		t.Fatal("Sync without a target succeeded")
	}
	if st, _ := ex.Status(t.Context()); st.Pending != 4 || st.LastError == "" || st.Connected {
		t.Errorf("Status = %+v, want 4 pending and the error", st)
	}
}
