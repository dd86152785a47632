/**
 * The checks GitHub code scanning applies to an uploaded SARIF file beyond the schema, as documented in
 * "SARIF support for code scanning" (docs.github.com) and seen in its upload errors: every result needs
 * a physical location with an artifact URI and a start line ("locationFromSarifResult: expected artifact
 * location" rejects the whole file otherwise); a rule id and a message text; limits on runs, results,
 * rules, tags and locations; `security-severity` a number from 0 to 10 in a string. Returns the
 * problems, empty when GitHub would accept the file.
 */
export function githubSarifProblems(log: unknown): string[] {
  const problems: string[] = [];
  const l = log as {
    version?: string;
    runs?: Array<{
      tool?: { driver?: { name?: string; rules?: Array<Record<string, unknown>> } };
      results?: Array<Record<string, unknown>>;
    }>;
  };
  if (l.version !== '2.1.0') problems.push(`version: ${String(l.version)} is not 2.1.0`);
  const runs = l.runs ?? [];
  if (runs.length === 0 || runs.length > 20) problems.push(`runs: ${runs.length} (1 to 20 per file)`);
  runs.forEach((run, ri) => {
    const at = `runs[${ri}]`;
    if (!run.tool?.driver?.name) problems.push(`${at}.tool.driver.name is missing`);
    const rules = run.tool?.driver?.rules ?? [];
    if (rules.length > 25_000) problems.push(`${at}: ${rules.length} rules (at most 25,000)`);
    const ruleIds = new Set<string>();
    rules.forEach((rule, i) => {
      const r = rule as {
        id?: string;
        shortDescription?: { text?: string };
        help?: { text?: string };
        properties?: { tags?: unknown[]; 'security-severity'?: unknown };
      };
      const rat = `${at}.tool.driver.rules[${i}]`;
      if (!r.id) problems.push(`${rat}.id is missing`);
      else if (ruleIds.has(r.id)) problems.push(`${rat}.id ${r.id} is not unique`);
      else ruleIds.add(r.id);
      if (!r.shortDescription?.text) problems.push(`${rat}.shortDescription.text is missing`);
      if (!r.help?.text) problems.push(`${rat}.help.text is missing`);
      if ((r.properties?.tags ?? []).length > 20) problems.push(`${rat}.properties.tags: more than 20`);
      const sev = r.properties?.['security-severity'];
      if (sev !== undefined) {
        const n = typeof sev === 'string' && /^\d+(\.\d+)?$/.test(sev) ? Number(sev) : NaN;
        if (!(n >= 0 && n <= 10))
          problems.push(`${rat}.properties.security-severity: ${JSON.stringify(sev)} is not "0.0"–"10.0"`);
      }
    });
    const results = run.results ?? [];
    if (results.length > 25_000) problems.push(`${at}: ${results.length} results (at most 25,000)`);
    results.forEach((result, i) => {
      const r = result as {
        ruleId?: string;
        ruleIndex?: number;
        message?: { text?: string };
        locations?: Array<{
          physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } };
        }>;
        partialFingerprints?: Record<string, string>;
      };
      const rat = `${at}.results[${i}]`;
      if (!r.ruleId) problems.push(`${rat}.ruleId is missing`);
      else if (!ruleIds.has(r.ruleId)) problems.push(`${rat}.ruleId ${r.ruleId} has no rule in tool.driver.rules`);
      if (r.ruleIndex !== undefined && rules[r.ruleIndex]?.id !== r.ruleId)
        problems.push(`${rat}.ruleIndex ${r.ruleIndex} does not point at ${String(r.ruleId)}`);
      if (!r.message?.text) problems.push(`${rat}.message.text is missing`);
      const locations = r.locations ?? [];
      if (locations.length === 0) problems.push(`${rat}: no locations (expected artifact location)`);
      if (locations.length > 1000) problems.push(`${rat}: more than 1,000 locations`);
      locations.forEach((loc, j) => {
        const uri = loc.physicalLocation?.artifactLocation?.uri;
        if (!uri)
          problems.push(`${rat}.locations[${j}]: expected artifact location (physicalLocation.artifactLocation.uri)`);
        else if (/^[a-z]+:/i.test(uri) || uri.startsWith('/'))
          problems.push(`${rat}.locations[${j}]: uri ${uri} is not relative to the repository`);
        const line = loc.physicalLocation?.region?.startLine;
        if (!(Number.isInteger(line) && line! >= 1))
          problems.push(`${rat}.locations[${j}]: region.startLine is missing`);
      });
      if (!r.partialFingerprints || Object.keys(r.partialFingerprints).length === 0)
        problems.push(`${rat}.partialFingerprints is missing (alerts would not keep their identity)`);
    });
  });
  return problems;
}
