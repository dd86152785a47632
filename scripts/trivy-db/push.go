package main

// Pushing the database to an OCI registry as Trivy's own is published, so `trivy --db-repository
// <registry>/<repo>` (Dockhand's DOCKHAND_TRIVY_DB=oci:<registry>/<repo>) downloads it like the real
// one: a manifest with one layer, db.tar.gz (trivy.db and metadata.json), of the media type Trivy
// accepts, titled by the annotation Trivy names the downloaded file after (pkg/oci/artifact.go in
// Trivy v0.74.0). Plain HTTP and the distribution API only, without a login: the stack's registries
// are local. Trivy adds the tag ":2" (the schema version) to a repository given without one.

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aquasecurity/trivy-db/pkg/db"
)

const (
	dbLayerMediaType  = "application/vnd.aquasec.trivy.db.layer.v1.tar+gzip"
	dbConfigMediaType = "application/vnd.aquasec.trivy.config.v1+json"
	ociManifestType   = "application/vnd.oci.image.manifest.v1+json"
	titleAnnotation   = "org.opencontainers.image.title"
)

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int               `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

var client = &http.Client{Timeout: 60 * time.Second}

// push uploads <dir>/trivy.db and <dir>/metadata.json to ref (registry/repository[:tag], default tag
// the schema version) and returns the reference pushed.
func push(dir, ref string) (string, error) {
	registry, repo, tag, err := splitRef(ref)
	if err != nil {
		return "", err
	}
	layer, err := dbTarGz(dir)
	if err != nil {
		return "", err
	}
	config := []byte("{}")
	base := "http://" + registry + "/v2/" + repo
	for _, blob := range [][]byte{layer, config} {
		if err := putBlob(base, blob); err != nil {
			return "", err
		}
	}
	manifest, _ := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     ociManifestType,
		"config":        descriptor{MediaType: dbConfigMediaType, Digest: digest(config), Size: len(config)},
		"layers": []descriptor{{
			MediaType: dbLayerMediaType, Digest: digest(layer), Size: len(layer),
			Annotations: map[string]string{titleAnnotation: "db.tar.gz"},
		}},
	})
	req, _ := http.NewRequest(http.MethodPut, base+"/manifests/"+tag, bytes.NewReader(manifest))
	req.Header.Set("Content-Type", ociManifestType)
	if err := expect(req, http.StatusCreated); err != nil {
		return "", fmt.Errorf("manifest: %w", err)
	}
	return registry + "/" + repo + ":" + tag, nil
}

// splitRef parses registry/repository[:tag]; the registry part must name a host (with a port or a dot).
func splitRef(ref string) (registry, repo, tag string, err error) {
	slash := strings.Index(ref, "/")
	if slash <= 0 || slash == len(ref)-1 {
		return "", "", "", fmt.Errorf("-push: %q is not <registry host:port>/<repository>[:tag]", ref)
	}
	registry, repo, tag = ref[:slash], ref[slash+1:], strconv.Itoa(db.SchemaVersion)
	if i := strings.LastIndex(repo, ":"); i > 0 {
		repo, tag = repo[:i], repo[i+1:]
	}
	return registry, repo, tag, nil
}

// dbTarGz is the layer: trivy.db and metadata.json at the archive's root, as Trivy extracts it into
// <cache>/db.
func dbTarGz(dir string) ([]byte, error) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range []string{"trivy.db", "metadata.json"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0)}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// putBlob is the distribution API's monolithic upload: POST for an upload URL, PUT with the digest.
func putBlob(base string, blob []byte) error {
	req, _ := http.NewRequest(http.MethodPost, base+"/blobs/uploads/", nil)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("starting a blob upload to %s: HTTP %d", base, resp.StatusCode)
	}
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil {
		return err
	}
	q := loc.Query()
	q.Set("digest", digest(blob))
	loc.RawQuery = q.Encode()
	put, _ := http.NewRequest(http.MethodPut, loc.String(), bytes.NewReader(blob))
	put.Header.Set("Content-Type", "application/octet-stream")
	return expect(put, http.StatusCreated)
}

func expect(req *http.Request, status int) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != status {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		return fmt.Errorf("%s %s: HTTP %d: %s", req.Method, (&url.URL{Path: req.URL.Path}).String(), resp.StatusCode, body)
	}
	return nil
}

func digest(b []byte) string { return fmt.Sprintf("sha256:%x", sha256.Sum256(b)) }
