import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { workflowTags, type WorkflowTags } from '../../common/search-attributes';

/** Tags this workflow for the Web UI's list views (service, host, image and its type), once at its start. */
export function tagWorkflow(tags: WorkflowTags): void {
  upsertSearchAttributes(workflowTags(tags, workflowInfo().workflowType));
}
