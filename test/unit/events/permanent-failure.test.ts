import { describe, expect, it } from 'vitest';
import { permanentFailure } from '../../../workers/lib/trigger-processor';
import { JOB_RETENTION } from '../../../common/events/queues';

describe('trigger jobs: permanent failures and bounded retention (L9)', () => {
  it('a request Temporal refuses for good is permanent; an unreachable server is not', () => {
    expect(permanentFailure({ message: 'bad search attribute', cause: { code: 3 } })).toBe(true);
    expect(permanentFailure({ name: 'ZodError', message: 'input.spec' })).toBe(true);
    expect(permanentFailure({ message: 'unavailable', cause: { code: 14 } })).toBe(false);
    expect(permanentFailure(new Error('ECONNREFUSED'))).toBe(false);
  });
  it('failed jobs are kept a bounded time and number', () => {
    expect(JOB_RETENTION.removeOnFail).toEqual({ age: 7 * 24 * 3600, count: 10_000 });
  });
});
