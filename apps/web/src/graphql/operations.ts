// Every GraphQL operation the console sends, typed by GraphQL Code Generator (`npm run codegen`) from the
// committed schema.graphql into src/gql/.
import { graphql } from '../gql';

export const RolloutsQuery = graphql(`
  query Rollouts($first: Int!, $after: String, $filter: RolloutFilterInput) {
    rollouts(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      edges {
        cursor
        node {
          id
          plan
          planVersion
          status
          currentPhase
          title
          startedAt
          updatedAt
          completedAt
          workflowId
        }
      }
    }
  }
`);

export const PlansQuery = graphql(`
  query Plans {
    plans {
      name
      title
      latest {
        id
        version
      }
      versions {
        id
        version
        phases
        planJson
        format
        createdAt
        createdBy
        changes
      }
    }
  }
`);

export const WhoAmIQuery = graphql(`
  query WhoAmI {
    rollouts(first: 1) {
      totalCount
    }
  }
`);

export const RolloutDetails = graphql(`
  fragment RolloutDetails on Rollout {
    id
    title
    plan
    planVersion
    planVersionId
    status
    currentPhase
    startedAt
    startedBy
    completedAt
    webUiUrl
    workflowId
    allowedActions
    phases {
      id
      name
      status
      enteredAt
      completedAt
      soakUntil
      gate {
        signedAt
        signedBy
        note
        canSignOff
        signOffRefusal
        signers
        missing
      }
      checklist {
        id
        title
        kind
        status
        roles
        doneBy
        doneAt
        approvedBy
        approvedAt
        note
        evidence
        skipJustification
        sustainedDueAt
        allowedActions
        refusals {
          action
          message
        }
      }
    }
    timers {
      kind
      dueAt
      summary
    }
    guardrails {
      id
      title
      metric
      condition
      outcome
      value
      reason
      breached
      latestValue
      latestAt
      readings
      threshold
      operator
      unit
      recent {
        at
        value
        unit
      }
    }
    flags {
      key
      valueJson
    }
    reviews {
      id
      title
      status
      dueAt
      completedAt
      completedBy
      cancelledAt
      note
    }
    rollback {
      level
      reason
      requestedBy
      startedAt
      finishedAt
      steps {
        id
        title
        source
        status
        error
        finishedAt
        resolvedBy
        note
        evidence
        allowedActions
      }
    }
  }
`);

export const RolloutQuery = graphql(`
  query Rollout($id: ID!) {
    rollout(id: $id) {
      ...RolloutDetails
      messages {
        id
        channel
        audience
        message
        status
        lastError
        createdAt
        sentAt
      }
    }
  }
`);

export const RolloutEventsSubscription = graphql(`
  subscription RolloutEvents($rolloutId: ID!) {
    rolloutEvents(rolloutId: $rolloutId) {
      seq
      at
      actor
      action
      target
      outcome
      payloadJson
      rolloutId
    }
  }
`);

export const CompleteItemMutation = graphql(`
  mutation CompleteItem($input: CompleteChecklistItemInput!) {
    completeChecklistItem(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const ApproveItemMutation = graphql(`
  mutation ApproveItem($input: ChecklistItemActionInput!) {
    approveChecklistItem(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const ReopenItemMutation = graphql(`
  mutation ReopenItem($input: ChecklistItemActionInput!) {
    reopenChecklistItem(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const SkipItemMutation = graphql(`
  mutation SkipItem($input: SkipChecklistItemInput!) {
    skipChecklistItem(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const SignOffGateMutation = graphql(`
  mutation SignOffGate($input: SignOffGateInput!) {
    signOffGate(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const TriggerRollbackMutation = graphql(`
  mutation TriggerRollback($input: TriggerRollbackInput!) {
    triggerRollback(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const RetryRollbackStepMutation = graphql(`
  mutation RetryRollbackStep($input: RetryRollbackStepInput!) {
    retryRollbackStep(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const ResolveRollbackStepMutation = graphql(`
  mutation ResolveRollbackStep($input: ResolveRollbackStepInput!) {
    resolveRollbackStep(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const ConfirmRollbackStepMutation = graphql(`
  mutation ConfirmRollbackStep($input: ConfirmRollbackStepInput!) {
    confirmRollbackStep(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const PauseRolloutMutation = graphql(`
  mutation PauseRollout($input: PauseRolloutInput!) {
    pauseRollout(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const ResumeRolloutMutation = graphql(`
  mutation ResumeRollout($input: RolloutRefInput!) {
    resumeRollout(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const PlanProblemFields = graphql(`
  fragment ImportReportFields on PlanImportReport {
    mappedLines
    mapped {
      line
      to
      facts
    }
    unmapped {
      line
      text
      keptAs
    }
    notes {
      line
      text
    }
    errors {
      line
      path
      message
    }
  }
`);

export const ValidatePlanMutation = graphql(`
  query ValidatePlan($input: PlanDocumentInput!) {
    validatePlan(input: $input) {
      valid
      name
      phases
      errors {
        line
        path
        message
      }
      report {
        ...ImportReportFields
      }
    }
  }
`);

export const ImportPlanMutation = graphql(`
  mutation ImportPlan($input: PlanDocumentInput!) {
    importPlan(input: $input) {
      created
      changes
      planVersion {
        id
        name
        version
        phases
        createdAt
        createdBy
      }
      report {
        ...ImportReportFields
      }
    }
  }
`);

export const StartRolloutMutation = graphql(`
  mutation StartRollout($input: StartRolloutInput!) {
    startRollout(input: $input) {
      ...RolloutDetails
    }
  }
`);

export const WaitingOnMeQuery = graphql(`
  query WaitingOnMe($first: Int, $plan: String) {
    waitingOnMe(first: $first, plan: $plan) {
      totalCount
      scanned
      truncated
      entries {
        kind
        actions
        rolloutId
        rolloutTitle
        plan
        phaseId
        phaseName
        itemId
        itemTitle
        itemKind
        stepId
        stepTitle
        since
      }
    }
  }
`);
