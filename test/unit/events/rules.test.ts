import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../common/events/engine-event';
import { matchingRules, parseTriggerConfig, RulesError } from '../../../common/events/rules';

const autoheal = {
  name: 'autoheal',
  match: { action: 'health_status', status: 'unhealthy', labels: { 'dockhand.autoheal': 'true' } },
  workflow: 'restartUnhealthy',
};
const event = (over: Partial<EngineEvent> = {}): EngineEvent => ({
  source: 'engine',
  host: 'h1',
  type: 'container',
  action: 'health_status',
  status: 'unhealthy',
  id: 'abc',
  name: 'web',
  labels: { 'dockhand.autoheal': 'true', 'dockhand.service': 'web' },
  timeNano: '1',
  ...over,
});
const parse = (config: unknown) => parseTriggerConfig(JSON.stringify(config), 'rules.json');
const errorOf = (config: unknown) => {
  try {
    parse(config);
  } catch (e) {
    expect(e).toBeInstanceOf(RulesError);
    return (e as Error).message;
  }
  throw new Error('expected a RulesError');
};

describe('rules file', () => {
  it('fills defaults and parses durations and sizes of the policy', () => {
    const c = parse({
      rules: [
        { ...autoheal, args: { windowMs: '5m' } },
        {
          name: 'oom',
          match: { action: 'oom', labels: { a: 'b' } },
          workflow: 'memoryPressure',
          args: { ceiling: '1g' },
        },
      ],
    });
    expect(c.concurrency).toBe(8);
    expect(c.rules[0]).toEqual({
      ...autoheal,
      enabled: true,
      match: { ...autoheal.match, type: 'container' },
      args: { windowMs: '5m' },
    });
    expect(c.webhook).toBeUndefined();
  });

  it('names the path of every bad value and refuses unknown keys', () => {
    expect(errorOf({ rules: [{ ...autoheal, args: { maxRestarts: -1, quarantine: 'nuke' } }] })).toBe(
      'rules.json: rules.0.args.maxRestarts: Too small: expected number to be >=0; rules.0.args.quarantine: Invalid option: expected one of "stop"|"disconnect"|"none"',
    );
    expect(errorOf({ rules: [{ ...autoheal, match: { ...autoheal.match, colour: 'red' } }] })).toBe(
      'rules.json: rules.0.match: Unrecognized key: "colour"',
    );
    expect(errorOf({ rules: [], webhook: { secret: 'x' } })).toBe('rules.json: webhook: Unrecognized key: "secret"');
    expect(errorOf({ rules: [{ ...autoheal, workflow: 'rm-rf' }] })).toContain('rules.0.workflow: Invalid option');
    expect(() => parseTriggerConfig('{"rules": [', 'rules.json')).toThrow(/^rules.json: not JSON/);
  });

  it('requires a label opt-in and unique names', () => {
    expect(errorOf({ rules: [{ ...autoheal, match: { action: 'oom' } }] })).toContain(
      'rules.0.match.labels: a remediation rule must opt in by label',
    );
    expect(errorOf({ rules: [autoheal, autoheal] })).toBe('rules.json: rules: the rule name "autoheal" is used twice');
  });
});

describe('matching', () => {
  const rules = parse({
    rules: [
      autoheal,
      { name: 'off', enabled: false, match: autoheal.match, workflow: 'restartUnhealthy' },
      { name: 'api-only', match: { ...autoheal.match, service: 'api' }, workflow: 'restartUnhealthy' },
      { name: 'on-h2', match: { ...autoheal.match, host: 'h2' }, workflow: 'restartUnhealthy' },
    ],
  }).rules;
  const names = (e: EngineEvent) => matchingRules(rules, e).map((r) => r.name);

  it('matches type, action, status, labels, service and host; skips disabled rules', () => {
    expect(names(event())).toEqual(['autoheal']);
    expect(names(event({ labels: { 'dockhand.autoheal': 'true', 'dockhand.service': 'api' } }))).toEqual([
      'autoheal',
      'api-only',
    ]);
    expect(names(event({ host: 'h2' }))).toEqual(['autoheal', 'on-h2']);
    expect(names(event({ status: 'healthy' }))).toEqual([]);
    expect(names(event({ labels: {} }))).toEqual([]);
    expect(names(event({ labels: { 'dockhand.autoheal': 'false' } }))).toEqual([]);
    expect(names(event({ type: 'image' }))).toEqual([]);
  });
});
