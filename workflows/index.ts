// The worker bundles this file: every workflow the engine runs is exported here.
export { planRolloutWorkflow } from './plan-rollout.workflow';
export { phaseWorkflow } from './phase.workflow';
export { floorWorkflow } from './floor.workflow';
