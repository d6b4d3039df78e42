import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  AuditEntry,
  FlagChange,
  FlagValue,
  OutboxMessage,
  RolloutProjection,
} from '../../libs/persistence/src';
import type { EngineState } from '../../workflows/engine/messages';

// What a rollout left behind outside its workflow, read the way the suites that kill processes mid-rollout
// check it: the calls an idempotent receiver took, the flag store, the outbox, the audit trail, the
// projection, and failed workflow tasks. Shared by test/e2e/engine.e2e.ts and test/e2e/scale-out.e2e.ts.

/**
 * One HTTP request the worker's adapters made, in arrival order. `answer` is 503 (refused, no effect),
 * 200, or `lost`: the receiver took it, but the worker was killed before the answer reached it.
 */
export interface Call {
  path: string;
  key: string;
  body: Record<string, unknown>;
  answer: 200 | 503 | 'lost';
  /** The key had already taken effect: the receiver answered 200 without doing it again. */
  repeat: boolean;
}

export interface IdempotentReceiver {
  url: string;
  /** Every request, in arrival order. */
  calls: Call[];
  /** The keys that took effect (once each, whatever the number of requests). */
  effects: Set<string>;
  /** A key's next requests: `fail` answers 503 without effect; `hold` takes effect but never answers. */
  script: Map<string, ('fail' | 'hold')[]>;
  /** Requests taken under `hold`, still unanswered (the test kills their sender meanwhile). */
  held: { key: string; res: ServerResponse }[];
  close(): Promise<void>;
}

/**
 * The deploy-hook and chat endpoints, as an idempotent receiver (keyed by the `Idempotency-Key` header):
 * the first request under a key takes effect, a repeat is answered 200 and does nothing.
 */
export async function startIdempotentReceiver(): Promise<IdempotentReceiver> {
  const calls: Call[] = [];
  const effects = new Set<string>();
  const script = new Map<string, ('fail' | 'hold')[]>();
  const held: { key: string; res: ServerResponse }[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key']);
      const call: Call = {
        path: req.url ?? '',
        key,
        body: JSON.parse(text || '{}') as Record<string, unknown>,
        answer: 200,
        repeat: effects.has(key),
      };
      calls.push(call);
      const next = script.get(key)?.shift();
      if (next === 'fail') {
        call.answer = 503;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
        return;
      }
      effects.add(key);
      if (next === 'hold') {
        call.answer = 'lost';
        held.push({ key, res });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ repeat: call.repeat }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    effects,
    script,
    held,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * The calls that break at-least-once delivery under one key: a key sent again although an earlier request
 * under it was answered 200, or sent again with another path or body. Empty when every repeat followed a
 * refusal or a lost answer and carried the same request.
 */
export function unjustifiedRepeats(calls: Call[]): { key: string; why: string }[] {
  const wrong: { key: string; why: string }[] = [];
  for (const [i, call] of calls.entries()) {
    const before = calls.slice(0, i).filter((c) => c.key === call.key);
    if (!before.length) continue;
    if (before.some((c) => c.answer === 200)) wrong.push({ key: call.key, why: 'sent again after a 200' });
    if (before.some((c) => c.path !== call.path || JSON.stringify(c.body) !== JSON.stringify(call.body)))
      wrong.push({ key: call.key, why: 'sent again with another request' });
  }
  return wrong;
}

/**
 * What a rollout's final state says people did: each item by whoever did it (not a sustained condition the
 * engine found met), each approval by its approver, each gate by its signer, each review.
 */
export function acceptedActions(s: EngineState): string[] {
  return s.phases
    .flatMap((p) => {
      const r = p.result;
      if (!r) return [];
      const items = r.items.flatMap((i) => [
        ...(i.doneBy && i.doneBy !== 'engine' ? [`checklist.complete:${i.id}:${i.doneBy}`] : []),
        ...(i.approvedBy ? [`checklist.approve:${i.id}:${i.approvedBy}`] : []),
      ]);
      return r.gate.signedBy ? [...items, `gate.sign:${p.id}:${r.gate.signedBy}`] : items;
    })
    .concat(s.reviews.filter((r) => r.completedBy).map((r) => `review.complete:${r.id}:${r.completedBy}`))
    .sort();
}

/** The flags applications see: the store's `*` rows (a plan flag the store lacks is at its default). */
export async function flagStore(orm: MikroORM): Promise<Record<string, unknown>> {
  const rows = await orm.em.fork().find(FlagValue, { segment: '*' });
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** A rollout's audit rows in chain order, as `action:target:actor`. */
export async function auditTrail(orm: MikroORM, rolloutId: string): Promise<string[]> {
  const rows = await orm.em.fork().find(AuditEntry, { rolloutId }, { orderBy: { id: 'asc' } });
  return rows.map((r) => `${r.action}:${r.target}:${r.actor}`);
}

/** A rollout's outbox, oldest first: each message's key, status and delivery attempts. */
export async function outboxOf(orm: MikroORM, rolloutId: string) {
  const rows = await orm.em.fork().find(OutboxMessage, { rolloutId }, { orderBy: { id: 'asc' } });
  return rows.map((r) => ({ key: r.idempotencyKey, status: r.status, attempts: r.attempts }));
}

export function flagChangesOf(orm: MikroORM, rolloutId: string): Promise<FlagChange[]> {
  return orm.em.fork().find(FlagChange, { rolloutId }, { orderBy: { id: 'asc' } });
}

export async function projectionOf(orm: MikroORM, rolloutId: string) {
  const row = await orm.em.fork().findOneOrFail(RolloutProjection, { rolloutId });
  return { status: row.status, version: row.version };
}

/**
 * How many of a workflow's tasks failed. UnhandledCommand is left out: the server's own answer to a task that
 * completes the workflow while a new message arrives (a phase completing as its rollout's progressRecorded
 * comes in); the worker then runs a task with it and completes. No failure of the code, unlike a
 * nondeterminism error on replay, which counts.
 */
export async function failedWorkflowTasks(client: Client, workflowId: string): Promise<number> {
  const { EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  return events.filter(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED &&
      e.workflowTaskFailedEventAttributes?.cause !==
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
  ).length;
}
