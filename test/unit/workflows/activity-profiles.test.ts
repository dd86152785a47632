import { msToNumber } from '@temporalio/common/lib/time';
import { describe, expect, it } from 'vitest';
import {
  EDGE_ACTIVITY_START_TO_CLOSE_MS,
  EDGE_APPLY_WORST_MS,
  EDGE_EXEC_TIMEOUT_MS,
  EDGE_LOCK_WAIT_S,
} from '../../../common/edge-timing';
import { HOST_AGENT, profiles } from '../../../workflows/lib/activity-options';

describe('activity profiles cover what their activities may take', () => {
  it('edge config changes: the start-to-close covers the exec timeout, which covers the script at its worst (L3)', () => {
    // The script: lock wait, 10 s serve/quit (+2 s for the last look), 5 s drain, nginx -t and reload.
    expect(EDGE_APPLY_WORST_MS).toBeGreaterThanOrEqual((EDGE_LOCK_WAIT_S + 10 + 2 + 5) * 1000);
    expect(EDGE_EXEC_TIMEOUT_MS).toBeGreaterThan(EDGE_APPLY_WORST_MS);
    expect(EDGE_ACTIVITY_START_TO_CLOSE_MS).toBeGreaterThan(EDGE_EXEC_TIMEOUT_MS);
    for (const name of ['configureEdge', 'configureEdgeColors', 'restoreEdge'] as const) {
      const profile = profiles[HOST_AGENT[name]];
      expect(msToNumber(profile.startToCloseTimeout), name).toBeGreaterThanOrEqual(EDGE_ACTIVITY_START_TO_CLOSE_MS);
      expect(msToNumber(profile.scheduleToCloseTimeout), name).toBeGreaterThan(2 * EDGE_ACTIVITY_START_TO_CLOSE_MS);
    }
  });
});
