import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { createHostActivities } from '../../../activities';
import * as engineActivities from '../../../activities/engine-activities';
import * as labellingActivities from '../../../activities/labelling-activities';

// No engine is reached: the factories only bind their activities to it.
const docker = new Docker({ socketPath: '/nonexistent/docker.sock' });
const trivy = { db: 'dir:/nonexistent' };

describe('createHostActivities', () => {
  it("registers every factory's activities, and no two factories name an activity alike", () => {
    const made = [
      ...Object.values(engineActivities).map((create) => Object.keys(create(docker))),
      ...Object.values(labellingActivities).map((create) => Object.keys(create(docker, 'h1'))),
    ].flat();
    const registered = Object.keys(createHostActivities(docker, 'h1', trivy));
    expect(new Set(made).size).toBe(made.length);
    expect(registered).toEqual(expect.arrayContaining(made));
    // Besides the factories: the vulnerability scan (Trivy settings) and the agent's presence (host id).
    expect(registered).toEqual(expect.arrayContaining(['scanImages', 'pingAgent']));
    expect(registered).toHaveLength(made.length + 2);
  });
});
