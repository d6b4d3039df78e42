// The worker bundles this file: every workflow the engine runs is exported here.
export { rolloutWorkflow } from './rollout.workflow';
