/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Rollouts($first: Int!, $after: String, $filter: RolloutFilterInput) {\n    rollouts(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      edges {\n        cursor\n        node {\n          id\n          plan\n          planVersion\n          status\n          currentPhase\n          title\n          startedAt\n          updatedAt\n          completedAt\n          workflowId\n        }\n      }\n    }\n  }\n": typeof types.RolloutsDocument,
    "\n  query Plans {\n    plans {\n      name\n      title\n      latest {\n        id\n        version\n      }\n      versions {\n        id\n        version\n        phases\n        planJson\n        format\n        createdAt\n        createdBy\n        changes\n      }\n    }\n  }\n": typeof types.PlansDocument,
    "\n  query WhoAmI {\n    rollouts(first: 1) {\n      totalCount\n    }\n  }\n": typeof types.WhoAmIDocument,
    "\n  fragment RolloutDetails on Rollout {\n    id\n    title\n    plan\n    planVersion\n    planVersionId\n    status\n    currentPhase\n    startedAt\n    startedBy\n    completedAt\n    webUiUrl\n    workflowId\n    allowedActions\n    phases {\n      id\n      name\n      status\n      enteredAt\n      completedAt\n      soakUntil\n      gate {\n        signedAt\n        signedBy\n        note\n        canSignOff\n        signOffRefusal\n        signers\n        missing\n      }\n      checklist {\n        id\n        title\n        kind\n        status\n        roles\n        doneBy\n        doneAt\n        approvedBy\n        approvedAt\n        note\n        evidence\n        skipJustification\n        sustainedDueAt\n        allowedActions\n        refusals {\n          action\n          message\n        }\n      }\n    }\n    timers {\n      kind\n      dueAt\n      summary\n    }\n    guardrails {\n      id\n      title\n      metric\n      condition\n      outcome\n      value\n      reason\n      breached\n      latestValue\n      latestAt\n      readings\n      threshold\n      operator\n      unit\n      recent {\n        at\n        value\n        unit\n      }\n    }\n    flags {\n      key\n      valueJson\n    }\n    reviews {\n      id\n      title\n      status\n      dueAt\n      completedAt\n      completedBy\n      cancelledAt\n      note\n    }\n    rollback {\n      level\n      reason\n      requestedBy\n      startedAt\n      finishedAt\n      steps {\n        id\n        title\n        source\n        status\n        error\n        finishedAt\n        resolvedBy\n        note\n        evidence\n        allowedActions\n      }\n    }\n  }\n": typeof types.RolloutDetailsFragmentDoc,
    "\n  query Rollout($id: ID!) {\n    rollout(id: $id) {\n      ...RolloutDetails\n      messages {\n        id\n        channel\n        audience\n        message\n        status\n        lastError\n        createdAt\n        sentAt\n      }\n    }\n  }\n": typeof types.RolloutDocument,
    "\n  subscription RolloutEvents($rolloutId: ID!) {\n    rolloutEvents(rolloutId: $rolloutId) {\n      seq\n      at\n      actor\n      action\n      target\n      outcome\n      payloadJson\n      rolloutId\n    }\n  }\n": typeof types.RolloutEventsDocument,
    "\n  mutation CompleteItem($input: CompleteChecklistItemInput!) {\n    completeChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.CompleteItemDocument,
    "\n  mutation ApproveItem($input: ChecklistItemActionInput!) {\n    approveChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.ApproveItemDocument,
    "\n  mutation ReopenItem($input: ChecklistItemActionInput!) {\n    reopenChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.ReopenItemDocument,
    "\n  mutation SkipItem($input: SkipChecklistItemInput!) {\n    skipChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.SkipItemDocument,
    "\n  mutation SignOffGate($input: SignOffGateInput!) {\n    signOffGate(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.SignOffGateDocument,
    "\n  mutation TriggerRollback($input: TriggerRollbackInput!) {\n    triggerRollback(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.TriggerRollbackDocument,
    "\n  mutation RetryRollbackStep($input: RetryRollbackStepInput!) {\n    retryRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.RetryRollbackStepDocument,
    "\n  mutation ResolveRollbackStep($input: ResolveRollbackStepInput!) {\n    resolveRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.ResolveRollbackStepDocument,
    "\n  mutation ConfirmRollbackStep($input: ConfirmRollbackStepInput!) {\n    confirmRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.ConfirmRollbackStepDocument,
    "\n  mutation PauseRollout($input: PauseRolloutInput!) {\n    pauseRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.PauseRolloutDocument,
    "\n  mutation ResumeRollout($input: RolloutRefInput!) {\n    resumeRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.ResumeRolloutDocument,
    "\n  fragment ImportReportFields on PlanImportReport {\n    mappedLines\n    mapped {\n      line\n      to\n      facts\n    }\n    unmapped {\n      line\n      text\n      keptAs\n    }\n    notes {\n      line\n      text\n    }\n    errors {\n      line\n      path\n      message\n    }\n  }\n": typeof types.ImportReportFieldsFragmentDoc,
    "\n  query ValidatePlan($input: PlanDocumentInput!) {\n    validatePlan(input: $input) {\n      valid\n      name\n      phases\n      errors {\n        line\n        path\n        message\n      }\n      report {\n        ...ImportReportFields\n      }\n    }\n  }\n": typeof types.ValidatePlanDocument,
    "\n  mutation ImportPlan($input: PlanDocumentInput!) {\n    importPlan(input: $input) {\n      created\n      changes\n      planVersion {\n        id\n        name\n        version\n        phases\n        createdAt\n        createdBy\n      }\n      report {\n        ...ImportReportFields\n      }\n    }\n  }\n": typeof types.ImportPlanDocument,
    "\n  mutation StartRollout($input: StartRolloutInput!) {\n    startRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": typeof types.StartRolloutDocument,
    "\n  query WaitingOnMe($first: Int, $plan: String) {\n    waitingOnMe(first: $first, plan: $plan) {\n      totalCount\n      scanned\n      truncated\n      entries {\n        kind\n        actions\n        rolloutId\n        rolloutTitle\n        plan\n        phaseId\n        phaseName\n        itemId\n        itemTitle\n        itemKind\n        stepId\n        stepTitle\n        since\n      }\n    }\n  }\n": typeof types.WaitingOnMeDocument,
};
const documents: Documents = {
    "\n  query Rollouts($first: Int!, $after: String, $filter: RolloutFilterInput) {\n    rollouts(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      edges {\n        cursor\n        node {\n          id\n          plan\n          planVersion\n          status\n          currentPhase\n          title\n          startedAt\n          updatedAt\n          completedAt\n          workflowId\n        }\n      }\n    }\n  }\n": types.RolloutsDocument,
    "\n  query Plans {\n    plans {\n      name\n      title\n      latest {\n        id\n        version\n      }\n      versions {\n        id\n        version\n        phases\n        planJson\n        format\n        createdAt\n        createdBy\n        changes\n      }\n    }\n  }\n": types.PlansDocument,
    "\n  query WhoAmI {\n    rollouts(first: 1) {\n      totalCount\n    }\n  }\n": types.WhoAmIDocument,
    "\n  fragment RolloutDetails on Rollout {\n    id\n    title\n    plan\n    planVersion\n    planVersionId\n    status\n    currentPhase\n    startedAt\n    startedBy\n    completedAt\n    webUiUrl\n    workflowId\n    allowedActions\n    phases {\n      id\n      name\n      status\n      enteredAt\n      completedAt\n      soakUntil\n      gate {\n        signedAt\n        signedBy\n        note\n        canSignOff\n        signOffRefusal\n        signers\n        missing\n      }\n      checklist {\n        id\n        title\n        kind\n        status\n        roles\n        doneBy\n        doneAt\n        approvedBy\n        approvedAt\n        note\n        evidence\n        skipJustification\n        sustainedDueAt\n        allowedActions\n        refusals {\n          action\n          message\n        }\n      }\n    }\n    timers {\n      kind\n      dueAt\n      summary\n    }\n    guardrails {\n      id\n      title\n      metric\n      condition\n      outcome\n      value\n      reason\n      breached\n      latestValue\n      latestAt\n      readings\n      threshold\n      operator\n      unit\n      recent {\n        at\n        value\n        unit\n      }\n    }\n    flags {\n      key\n      valueJson\n    }\n    reviews {\n      id\n      title\n      status\n      dueAt\n      completedAt\n      completedBy\n      cancelledAt\n      note\n    }\n    rollback {\n      level\n      reason\n      requestedBy\n      startedAt\n      finishedAt\n      steps {\n        id\n        title\n        source\n        status\n        error\n        finishedAt\n        resolvedBy\n        note\n        evidence\n        allowedActions\n      }\n    }\n  }\n": types.RolloutDetailsFragmentDoc,
    "\n  query Rollout($id: ID!) {\n    rollout(id: $id) {\n      ...RolloutDetails\n      messages {\n        id\n        channel\n        audience\n        message\n        status\n        lastError\n        createdAt\n        sentAt\n      }\n    }\n  }\n": types.RolloutDocument,
    "\n  subscription RolloutEvents($rolloutId: ID!) {\n    rolloutEvents(rolloutId: $rolloutId) {\n      seq\n      at\n      actor\n      action\n      target\n      outcome\n      payloadJson\n      rolloutId\n    }\n  }\n": types.RolloutEventsDocument,
    "\n  mutation CompleteItem($input: CompleteChecklistItemInput!) {\n    completeChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.CompleteItemDocument,
    "\n  mutation ApproveItem($input: ChecklistItemActionInput!) {\n    approveChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.ApproveItemDocument,
    "\n  mutation ReopenItem($input: ChecklistItemActionInput!) {\n    reopenChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.ReopenItemDocument,
    "\n  mutation SkipItem($input: SkipChecklistItemInput!) {\n    skipChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.SkipItemDocument,
    "\n  mutation SignOffGate($input: SignOffGateInput!) {\n    signOffGate(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.SignOffGateDocument,
    "\n  mutation TriggerRollback($input: TriggerRollbackInput!) {\n    triggerRollback(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.TriggerRollbackDocument,
    "\n  mutation RetryRollbackStep($input: RetryRollbackStepInput!) {\n    retryRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.RetryRollbackStepDocument,
    "\n  mutation ResolveRollbackStep($input: ResolveRollbackStepInput!) {\n    resolveRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.ResolveRollbackStepDocument,
    "\n  mutation ConfirmRollbackStep($input: ConfirmRollbackStepInput!) {\n    confirmRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.ConfirmRollbackStepDocument,
    "\n  mutation PauseRollout($input: PauseRolloutInput!) {\n    pauseRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.PauseRolloutDocument,
    "\n  mutation ResumeRollout($input: RolloutRefInput!) {\n    resumeRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.ResumeRolloutDocument,
    "\n  fragment ImportReportFields on PlanImportReport {\n    mappedLines\n    mapped {\n      line\n      to\n      facts\n    }\n    unmapped {\n      line\n      text\n      keptAs\n    }\n    notes {\n      line\n      text\n    }\n    errors {\n      line\n      path\n      message\n    }\n  }\n": types.ImportReportFieldsFragmentDoc,
    "\n  query ValidatePlan($input: PlanDocumentInput!) {\n    validatePlan(input: $input) {\n      valid\n      name\n      phases\n      errors {\n        line\n        path\n        message\n      }\n      report {\n        ...ImportReportFields\n      }\n    }\n  }\n": types.ValidatePlanDocument,
    "\n  mutation ImportPlan($input: PlanDocumentInput!) {\n    importPlan(input: $input) {\n      created\n      changes\n      planVersion {\n        id\n        name\n        version\n        phases\n        createdAt\n        createdBy\n      }\n      report {\n        ...ImportReportFields\n      }\n    }\n  }\n": types.ImportPlanDocument,
    "\n  mutation StartRollout($input: StartRolloutInput!) {\n    startRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n": types.StartRolloutDocument,
    "\n  query WaitingOnMe($first: Int, $plan: String) {\n    waitingOnMe(first: $first, plan: $plan) {\n      totalCount\n      scanned\n      truncated\n      entries {\n        kind\n        actions\n        rolloutId\n        rolloutTitle\n        plan\n        phaseId\n        phaseName\n        itemId\n        itemTitle\n        itemKind\n        stepId\n        stepTitle\n        since\n      }\n    }\n  }\n": types.WaitingOnMeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Rollouts($first: Int!, $after: String, $filter: RolloutFilterInput) {\n    rollouts(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      edges {\n        cursor\n        node {\n          id\n          plan\n          planVersion\n          status\n          currentPhase\n          title\n          startedAt\n          updatedAt\n          completedAt\n          workflowId\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Rollouts($first: Int!, $after: String, $filter: RolloutFilterInput) {\n    rollouts(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      edges {\n        cursor\n        node {\n          id\n          plan\n          planVersion\n          status\n          currentPhase\n          title\n          startedAt\n          updatedAt\n          completedAt\n          workflowId\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Plans {\n    plans {\n      name\n      title\n      latest {\n        id\n        version\n      }\n      versions {\n        id\n        version\n        phases\n        planJson\n        format\n        createdAt\n        createdBy\n        changes\n      }\n    }\n  }\n"): (typeof documents)["\n  query Plans {\n    plans {\n      name\n      title\n      latest {\n        id\n        version\n      }\n      versions {\n        id\n        version\n        phases\n        planJson\n        format\n        createdAt\n        createdBy\n        changes\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WhoAmI {\n    rollouts(first: 1) {\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query WhoAmI {\n    rollouts(first: 1) {\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RolloutDetails on Rollout {\n    id\n    title\n    plan\n    planVersion\n    planVersionId\n    status\n    currentPhase\n    startedAt\n    startedBy\n    completedAt\n    webUiUrl\n    workflowId\n    allowedActions\n    phases {\n      id\n      name\n      status\n      enteredAt\n      completedAt\n      soakUntil\n      gate {\n        signedAt\n        signedBy\n        note\n        canSignOff\n        signOffRefusal\n        signers\n        missing\n      }\n      checklist {\n        id\n        title\n        kind\n        status\n        roles\n        doneBy\n        doneAt\n        approvedBy\n        approvedAt\n        note\n        evidence\n        skipJustification\n        sustainedDueAt\n        allowedActions\n        refusals {\n          action\n          message\n        }\n      }\n    }\n    timers {\n      kind\n      dueAt\n      summary\n    }\n    guardrails {\n      id\n      title\n      metric\n      condition\n      outcome\n      value\n      reason\n      breached\n      latestValue\n      latestAt\n      readings\n      threshold\n      operator\n      unit\n      recent {\n        at\n        value\n        unit\n      }\n    }\n    flags {\n      key\n      valueJson\n    }\n    reviews {\n      id\n      title\n      status\n      dueAt\n      completedAt\n      completedBy\n      cancelledAt\n      note\n    }\n    rollback {\n      level\n      reason\n      requestedBy\n      startedAt\n      finishedAt\n      steps {\n        id\n        title\n        source\n        status\n        error\n        finishedAt\n        resolvedBy\n        note\n        evidence\n        allowedActions\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment RolloutDetails on Rollout {\n    id\n    title\n    plan\n    planVersion\n    planVersionId\n    status\n    currentPhase\n    startedAt\n    startedBy\n    completedAt\n    webUiUrl\n    workflowId\n    allowedActions\n    phases {\n      id\n      name\n      status\n      enteredAt\n      completedAt\n      soakUntil\n      gate {\n        signedAt\n        signedBy\n        note\n        canSignOff\n        signOffRefusal\n        signers\n        missing\n      }\n      checklist {\n        id\n        title\n        kind\n        status\n        roles\n        doneBy\n        doneAt\n        approvedBy\n        approvedAt\n        note\n        evidence\n        skipJustification\n        sustainedDueAt\n        allowedActions\n        refusals {\n          action\n          message\n        }\n      }\n    }\n    timers {\n      kind\n      dueAt\n      summary\n    }\n    guardrails {\n      id\n      title\n      metric\n      condition\n      outcome\n      value\n      reason\n      breached\n      latestValue\n      latestAt\n      readings\n      threshold\n      operator\n      unit\n      recent {\n        at\n        value\n        unit\n      }\n    }\n    flags {\n      key\n      valueJson\n    }\n    reviews {\n      id\n      title\n      status\n      dueAt\n      completedAt\n      completedBy\n      cancelledAt\n      note\n    }\n    rollback {\n      level\n      reason\n      requestedBy\n      startedAt\n      finishedAt\n      steps {\n        id\n        title\n        source\n        status\n        error\n        finishedAt\n        resolvedBy\n        note\n        evidence\n        allowedActions\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Rollout($id: ID!) {\n    rollout(id: $id) {\n      ...RolloutDetails\n      messages {\n        id\n        channel\n        audience\n        message\n        status\n        lastError\n        createdAt\n        sentAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query Rollout($id: ID!) {\n    rollout(id: $id) {\n      ...RolloutDetails\n      messages {\n        id\n        channel\n        audience\n        message\n        status\n        lastError\n        createdAt\n        sentAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RolloutEvents($rolloutId: ID!) {\n    rolloutEvents(rolloutId: $rolloutId) {\n      seq\n      at\n      actor\n      action\n      target\n      outcome\n      payloadJson\n      rolloutId\n    }\n  }\n"): (typeof documents)["\n  subscription RolloutEvents($rolloutId: ID!) {\n    rolloutEvents(rolloutId: $rolloutId) {\n      seq\n      at\n      actor\n      action\n      target\n      outcome\n      payloadJson\n      rolloutId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteItem($input: CompleteChecklistItemInput!) {\n    completeChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteItem($input: CompleteChecklistItemInput!) {\n    completeChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveItem($input: ChecklistItemActionInput!) {\n    approveChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation ApproveItem($input: ChecklistItemActionInput!) {\n    approveChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReopenItem($input: ChecklistItemActionInput!) {\n    reopenChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation ReopenItem($input: ChecklistItemActionInput!) {\n    reopenChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SkipItem($input: SkipChecklistItemInput!) {\n    skipChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation SkipItem($input: SkipChecklistItemInput!) {\n    skipChecklistItem(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOffGate($input: SignOffGateInput!) {\n    signOffGate(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation SignOffGate($input: SignOffGateInput!) {\n    signOffGate(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TriggerRollback($input: TriggerRollbackInput!) {\n    triggerRollback(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation TriggerRollback($input: TriggerRollbackInput!) {\n    triggerRollback(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryRollbackStep($input: RetryRollbackStepInput!) {\n    retryRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation RetryRollbackStep($input: RetryRollbackStepInput!) {\n    retryRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveRollbackStep($input: ResolveRollbackStepInput!) {\n    resolveRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation ResolveRollbackStep($input: ResolveRollbackStepInput!) {\n    resolveRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmRollbackStep($input: ConfirmRollbackStepInput!) {\n    confirmRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation ConfirmRollbackStep($input: ConfirmRollbackStepInput!) {\n    confirmRollbackStep(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseRollout($input: PauseRolloutInput!) {\n    pauseRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation PauseRollout($input: PauseRolloutInput!) {\n    pauseRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeRollout($input: RolloutRefInput!) {\n    resumeRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeRollout($input: RolloutRefInput!) {\n    resumeRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ImportReportFields on PlanImportReport {\n    mappedLines\n    mapped {\n      line\n      to\n      facts\n    }\n    unmapped {\n      line\n      text\n      keptAs\n    }\n    notes {\n      line\n      text\n    }\n    errors {\n      line\n      path\n      message\n    }\n  }\n"): (typeof documents)["\n  fragment ImportReportFields on PlanImportReport {\n    mappedLines\n    mapped {\n      line\n      to\n      facts\n    }\n    unmapped {\n      line\n      text\n      keptAs\n    }\n    notes {\n      line\n      text\n    }\n    errors {\n      line\n      path\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ValidatePlan($input: PlanDocumentInput!) {\n    validatePlan(input: $input) {\n      valid\n      name\n      phases\n      errors {\n        line\n        path\n        message\n      }\n      report {\n        ...ImportReportFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query ValidatePlan($input: PlanDocumentInput!) {\n    validatePlan(input: $input) {\n      valid\n      name\n      phases\n      errors {\n        line\n        path\n        message\n      }\n      report {\n        ...ImportReportFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportPlan($input: PlanDocumentInput!) {\n    importPlan(input: $input) {\n      created\n      changes\n      planVersion {\n        id\n        name\n        version\n        phases\n        createdAt\n        createdBy\n      }\n      report {\n        ...ImportReportFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ImportPlan($input: PlanDocumentInput!) {\n    importPlan(input: $input) {\n      created\n      changes\n      planVersion {\n        id\n        name\n        version\n        phases\n        createdAt\n        createdBy\n      }\n      report {\n        ...ImportReportFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartRollout($input: StartRolloutInput!) {\n    startRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"): (typeof documents)["\n  mutation StartRollout($input: StartRolloutInput!) {\n    startRollout(input: $input) {\n      ...RolloutDetails\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WaitingOnMe($first: Int, $plan: String) {\n    waitingOnMe(first: $first, plan: $plan) {\n      totalCount\n      scanned\n      truncated\n      entries {\n        kind\n        actions\n        rolloutId\n        rolloutTitle\n        plan\n        phaseId\n        phaseName\n        itemId\n        itemTitle\n        itemKind\n        stepId\n        stepTitle\n        since\n      }\n    }\n  }\n"): (typeof documents)["\n  query WaitingOnMe($first: Int, $plan: String) {\n    waitingOnMe(first: $first, plan: $plan) {\n      totalCount\n      scanned\n      truncated\n      entries {\n        kind\n        actions\n        rolloutId\n        rolloutTitle\n        plan\n        phaseId\n        phaseName\n        itemId\n        itemTitle\n        itemKind\n        stepId\n        stepTitle\n        since\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;