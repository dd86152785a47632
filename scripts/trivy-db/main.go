// Command trivy-db writes a tiny Trivy vulnerability database for Dockhand's offline tests: the bolt
// file <cache>/db/trivy.db in the schema of github.com/aquasecurity/trivy-db (written with that
// module's own code, so Trivy reads it as it reads the real one) and <cache>/db/metadata.json.
//
// It holds one fixture advisory: CVE-2099-0001, critical, in the Debian 12 package
// dockhand-demo-lib, fixed in 1.0-2. The fixture image dockhand-fixture-vuln:v1 ships 1.0-1
// (vulnerable), :v2 ships 1.0-2 (fixed); see scripts/build-fixtures.sh.
//
// With -push it also uploads the database to an OCI registry, as Trivy's own is published (push.go),
// for DOCKHAND_TRIVY_DB=oci:<registry>/<repository>.
//
//	go run . -cache <dir> [-updated-at 2026-01-02T15:04:05Z] [-push <registry>/<repository>[:tag]]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
	"github.com/aquasecurity/trivy-db/pkg/types"
	"github.com/aquasecurity/trivy-db/pkg/vulnsrc/vulnerability"
	bolt "go.etcd.io/bbolt"
)

// The Debian release and package names are the bucket names Trivy's Debian detector looks up.
const (
	release = "debian 12"
	pkg     = "dockhand-demo-lib"
	cve     = "CVE-2099-0001"
	fixed   = "1.0-2"
)

func main() {
	cache := flag.String("cache", "", "Trivy cache directory to write db/trivy.db and db/metadata.json into")
	updated := flag.String("updated-at", "", "the database's UpdatedAt (RFC 3339; default now), to test the age report")
	pushTo := flag.String("push", "", "also push the database to this OCI repository (<registry host:port>/<repository>[:tag], plain HTTP)")
	flag.Parse()
	if *cache == "" {
		fail(fmt.Errorf("-cache: give the Trivy cache directory"))
	}
	at := time.Now().UTC()
	if *updated != "" {
		t, err := time.Parse(time.RFC3339, *updated)
		if err != nil {
			fail(fmt.Errorf("-updated-at: %q is not RFC 3339: %w", *updated, err))
		}
		at = t.UTC()
	}
	dir := filepath.Join(*cache, "db")
	// A fresh file each time: the same inputs give the same database.
	_ = os.Remove(db.Path(dir))
	if err := db.Init(dir); err != nil {
		fail(err)
	}
	defer db.Close()
	dbc := db.Config{}
	err := dbc.BatchUpdate(func(tx *bolt.Tx) error {
		if err := dbc.PutDataSource(tx, release, types.DataSource{
			ID: vulnerability.Debian, Name: "Debian Security Tracker", URL: "https://salsa.debian.org/security-tracker-team/security-tracker",
		}); err != nil {
			return err
		}
		if err := dbc.PutAdvisoryDetail(tx, cve, pkg, []string{release}, types.Advisory{FixedVersion: fixed}); err != nil {
			return err
		}
		if err := dbc.SaveAdvisoryDetails(tx, cve); err != nil {
			return err
		}
		return dbc.PutVulnerability(tx, cve, types.Vulnerability{
			Title:          "dockhand-demo-lib: heap overflow in the fixture parser (Dockhand test advisory)",
			Description:    "A fixture advisory for Dockhand's offline tests; no real software is affected.",
			Severity:       "CRITICAL",
			VendorSeverity: types.VendorSeverity{vulnerability.Debian: types.SeverityCritical, vulnerability.NVD: types.SeverityCritical},
			CVSS: types.VendorCVSS{vulnerability.NVD: types.CVSS{
				V3Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", V3Score: 9.8,
			}},
			References: []string{"https://example.invalid/" + cve},
		})
	})
	if err != nil {
		fail(err)
	}
	// As Trivy's own build does: the staging bucket is not part of the published schema.
	if err := dbc.DeleteAdvisoryDetailBucket(); err != nil {
		fail(err)
	}
	meta := metadata.Metadata{Version: db.SchemaVersion, UpdatedAt: at, NextUpdate: at.Add(24 * time.Hour), DownloadedAt: at}
	if err := metadata.NewClient(dir).Update(meta); err != nil {
		fail(err)
	}
	fmt.Println(db.Path(dir))
	if *pushTo != "" {
		// Closed first so the file pushed is complete.
		if err := db.Close(); err != nil {
			fail(err)
		}
		ref, err := push(dir, *pushTo)
		if err != nil {
			fail(fmt.Errorf("-push %s: %w", *pushTo, err))
		}
		fmt.Println(ref)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "trivy-db: %v\n", err)
	os.Exit(1)
}
