import { describe, expect, it } from 'vitest';
import { sharedClient } from '../../../workers/lib/shared-client';

describe('sharedClient', () => {
  it('connects once when warmed, and every later get shares that connection', async () => {
    let connects = 0;
    const c = sharedClient(async () => ({ n: ++connects }));
    c.warm(() => undefined);
    expect(connects).toBe(1); // the connection starts at warm(), not at the first get
    const [a, b] = await Promise.all([c.get(), c.get()]);
    expect(a).toBe(b);
    expect(connects).toBe(1);
    expect(await c.current()).toBe(a);
  });

  it('a failed connection is reported and forgotten: the next get connects again', async () => {
    let connects = 0;
    const c = sharedClient(async () => {
      if (++connects === 1) throw new Error('Temporal is down');
      return { n: connects };
    });
    const reported: string[] = [];
    c.warm((err) => reported.push((err as Error).message));
    await expect(c.get()).rejects.toThrow('Temporal is down'); // the same failed attempt
    expect(reported).toEqual(['Temporal is down']);
    expect(await c.current()).toBeUndefined();
    expect(await c.get()).toEqual({ n: 2 });
    expect(connects).toBe(2);
  });
});
