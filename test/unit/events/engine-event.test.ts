import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engineEventJobId, fromDockerMessage, laterNano, sinceParam } from '../../../common/events/engine-event';
import { sign, verifySignature } from '../../../common/events/signature';

describe('engine events', () => {
  const msg = {
    Type: 'container',
    Action: 'health_status: unhealthy',
    Actor: { ID: 'c0ffee', Attributes: { name: 'web', image: 'app:v1', 'dockhand.autoheal': 'true' } },
    time: 1795922872,
    timeNano: '1795922872500171637',
  };

  it('splits the action and its detail, and separates labels from attributes', () => {
    expect(fromDockerMessage('h1', msg)).toEqual({
      source: 'engine',
      host: 'h1',
      type: 'container',
      action: 'health_status',
      status: 'unhealthy',
      id: 'c0ffee',
      name: 'web',
      labels: { 'dockhand.autoheal': 'true' },
      timeNano: '1795922872500171637',
    });
    expect(
      fromDockerMessage('h1', {
        Type: 'container',
        Action: 'die',
        Actor: { ID: 'x', Attributes: { exitCode: '137' } },
        timeNano: '5',
      }),
    ).toMatchObject({ action: 'die', exitCode: 137 });
    expect(fromDockerMessage('h1', { Action: 'die' })).toBeUndefined();
  });

  it('derives the same job id from the same event, another from another', () => {
    const a = fromDockerMessage('h1', msg)!;
    expect(engineEventJobId(a)).toBe(engineEventJobId({ ...a }));
    expect(engineEventJobId(a)).not.toBe(engineEventJobId({ ...a, timeNano: '1795922872500171638' }));
    expect(engineEventJobId(a)).not.toContain(':');
  });

  it('formats since as seconds.nanoseconds and orders nanosecond strings exactly', () => {
    expect(sinceParam('1795922872500171637')).toBe('1795922872.500171637');
    expect(sinceParam('5')).toBe('0.000000005');
    expect(laterNano('1795922872500171637', '1795922872500171638')).toBe('1795922872500171638');
    expect(laterNano('1795922872500171639', '1795922872500171638')).toBe('1795922872500171639');
    expect(laterNano(null, '7')).toBe('7');
  });
});

describe('webhook signature', () => {
  it('accepts the HMAC-SHA256 of the raw body and nothing else', () => {
    const body = Buffer.from('{"service":"web"}');
    expect(sign('k', body)).toBe('sha256=' + createHmac('sha256', 'k').update(body).digest('hex'));
    expect(verifySignature('k', body, sign('k', body))).toBe(true);
    expect(verifySignature('k', body, sign('other', body))).toBe(false);
    expect(verifySignature('k', Buffer.from('{"service":"web2"}'), sign('k', body))).toBe(false);
    expect(verifySignature('k', body, undefined)).toBe(false);
    expect(verifySignature('k', body, 'sha1=abc')).toBe(false);
  });
});
