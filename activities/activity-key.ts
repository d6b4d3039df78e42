import { Context } from '@temporalio/activity';

/** One key per scheduled activity, the same on each of its retries: what makes a retried write harmless. */
export function activityKey(): string {
  const { workflowExecution: wf, activityId } = Context.current().info;
  return `${wf?.workflowId ?? 'standalone'}/${wf?.runId ?? ''}/${activityId}`;
}
