import { describe, expect, it } from 'vitest';
import {
  DockhandHost,
  DockhandImage,
  DockhandService,
  DockhandWorkflow,
  workflowTags,
} from '../../../common/search-attributes';

describe('workflowTags', () => {
  it('sets service, host, image and type in that order', () => {
    expect(workflowTags({ service: 's', host: 'h', image: 'i:1' }, 'blueGreenDeploy')).toEqual([
      { key: DockhandService, value: 's' },
      { key: DockhandHost, value: 'h' },
      { key: DockhandImage, value: 'i:1' },
      { key: DockhandWorkflow, value: 'blueGreenDeploy' },
    ]);
  });

  it('leaves out what a workflow is not about', () => {
    expect(workflowTags({ host: 'h' }, 'remediateCleanup')).toEqual([
      { key: DockhandHost, value: 'h' },
      { key: DockhandWorkflow, value: 'remediateCleanup' },
    ]);
    expect(workflowTags({}, 'securityScan')).toEqual([{ key: DockhandWorkflow, value: 'securityScan' }]);
  });
});
