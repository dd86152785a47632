import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, serviceFileTable, withGeneratedTable } from '../../../scripts/docs/service-file-table';

describe('docs/service-file.md', () => {
  it('has the field table the schema generates (npm run docs:service-file rewrites it)', () => {
    const page = readFileSync(DOC, 'utf8');
    expect(page).toBe(withGeneratedTable(page));
  });

  it('lists every service field with its type and meaning, and marks what is required', () => {
    const table = serviceFileTable();
    expect(table).toContain('| `services.<name>.image` | string | the image deployed when a request names none');
    expect(table).toMatch(/\| `services.<name>.bake` \| duration .* \| blue-green: rollback window/);
    expect(table).toMatch(/\| `services.<name>.smoke.path` \| string \| .*\*\*required\*\* \|/);
    expect(table).toContain('| `services.<name>.strategy` | `blue-green` \\| `rolling` \\| `canary` |');
  });
});
