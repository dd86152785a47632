// Activity factories that also need the host's id (they label what they make with it):
// `createHostActivities` calls each with the engine and the id.
export { createContainerActivities } from './docker/containers';
export { createReplicaActivities } from './docker/replicas';
export { createReplicaLaunchActivities } from './docker/replica-launch';
export { createEdgeContainerActivities } from './traffic/edge-container';
