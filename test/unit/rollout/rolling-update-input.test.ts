import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../../common/errors';
import { RollingUpdateInput } from '../../../common/rolling-update';
import { validate } from '../../../common/spec/validate';

const base = { service: 'web', host: 'h1', spec: { image: 'app:v2' } };

describe('RollingUpdateInput', () => {
  it('fills Swarm-like defaults and parses durations', () => {
    expect(
      validate(RollingUpdateInput, { ...base, delay: '2s', monitor: '500ms', deadline: '10m' }, 'input'),
    ).toMatchObject({
      parallelism: 1,
      order: 'stop-first',
      delay: 2000,
      monitor: 500,
      healthTimeout: 60_000,
      deadline: 600_000,
      maxFailureRatio: 0,
      failureAction: 'rollback',
      edge: { image: 'dockhand-edge:1', targetPort: 8080, ports: [] },
    });
  });

  it('names the bad field', () => {
    const bad = (input: object) => {
      try {
        validate(RollingUpdateInput, { ...base, ...input }, 'input');
      } catch (e) {
        expect((e as ApplicationFailure).type).toBe(ErrorType.BadSpec);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ parallelism: 0 })).toContain('input.parallelism');
    expect(bad({ order: 'random' })).toContain('input.order');
    expect(bad({ maxFailureRatio: 2 })).toContain('input.maxFailureRatio');
    // A wait longer than the replica activities' 30-minute attempts could never pass (L6).
    expect(bad({ monitor: '31m' })).toContain('input.monitor: at most 10 minutes');
    expect(bad({ healthTimeout: '11m' })).toContain('input.healthTimeout: at most 10 minutes');
    expect(validate(RollingUpdateInput, { ...base, monitor: '10m' }, 'input').monitor).toBe(600_000);
    expect(bad({ spec: { image: 'app:v2', network: 'host' } })).toContain(
      'input.spec.network: a rolling update needs a user-defined network',
    );
    expect(bad({ replicas: 3, spec: { image: 'app:v2', ports: [{ container: 80, host: 8080 }] } })).toContain(
      'input.spec.ports',
    );
    const fixedPort = { image: 'app:v2', ports: [{ container: 80, host: 8080 }] };
    expect(bad({ replicas: 1, order: 'start-first', spec: fixedPort })).toContain(
      'input.order: start-first runs the new replica beside the old one, which holds its fixed host port',
    );
    expect(validate(RollingUpdateInput, { ...base, replicas: 1, spec: fixedPort }, 'input').order).toBe('stop-first');
    expect(bad({ pauseAfter: { batches: 0 } })).toContain('input.pauseAfter.batches');
  });
});
