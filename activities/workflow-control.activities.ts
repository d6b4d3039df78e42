import { Injectable } from '@nestjs/common';
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';

export interface CancelCurrentRunInput {
  workflowId: string;
}

/** Requests made to Temporal itself on a workflow's behalf. */
@Injectable()
export class WorkflowControlActivities {
  /**
   * Requests the cancellation of a workflow's current run, whatever run it has continued as new into. A
   * workflow's own cancellation of a child goes to the run it started; from workflow code a second request
   * for the same child fails the workflow task ("not in a state…") on the time-skipping server, so it is sent
   * from here, through the worker's client. A workflow already closed has nothing to cancel.
   */
  async cancelCurrentRun(input: CancelCurrentRunInput): Promise<'requested' | 'closed'> {
    try {
      await Context.current().client.workflow.getHandle(input.workflowId).cancel();
      return 'requested';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'closed';
      throw err;
    }
  }
}
