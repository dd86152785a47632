import type { SbomEntry } from '../../../common/scan/report';

/** The file name of an image's SBOM in a report's folder: readable and unique per image id. */
export function sbomFileName(image: string, imageId: string): string {
  const name = image.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80);
  return `sbom/${name}-${imageId.replace(/^sha256:/, '').slice(0, 12)}.cdx.json`;
}

/** The packages of a CycloneDX SBOM: its components' package URLs (name@version when there is none),
 * sorted and unique. */
export function sbomPackages(cyclonedx: {
  components?: Array<{ purl?: string; name?: string; version?: string }>;
}): string[] {
  const out = new Set<string>();
  for (const c of cyclonedx.components ?? []) {
    const id = c.purl ?? (c.name ? `${c.name}@${c.version ?? ''}` : undefined);
    if (id) out.add(id);
  }
  return [...out].sort();
}

/** Each SBOM against the previous report's SBOM of the same image name: packages added and removed.
 * Pure. */
export function diffSboms(current: SbomEntry[], previous: SbomEntry[] | undefined): SbomEntry[] {
  const before = new Map((previous ?? []).map((s) => [s.image, s]));
  return current.map((s) => {
    const p = before.get(s.image);
    if (!p) return s;
    const had = new Set(p.packages);
    const has = new Set(s.packages);
    return {
      ...s,
      previousImageId: p.imageId,
      added: s.packages.filter((x) => !had.has(x)),
      removed: p.packages.filter((x) => !has.has(x)),
    };
  });
}
