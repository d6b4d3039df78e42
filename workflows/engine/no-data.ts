import type { Guardrail } from '../../libs/plan/src/model';
import { condition, span, type GuardrailEvaluation, type NoDataState } from './guardrails';

/**
 * No-data episodes: a guardrail's metric goes without data (an evaluation with `noData`) from one moment
 * until an evaluation has data again. Each episode is announced when it starts and ends, and once it has
 * lasted the configured number of cadences, ONE escalation message is due (never one per reading). Pure,
 * plain data (workflow state, or a watcher activity's heartbeat details).
 */

export const DEFAULT_NO_DATA_ESCALATE_AFTER = 5;

export interface NoDataEpisode {
  guardrailId: string;
  metric: string;
  /** Epoch ms of the first evaluation without data. */
  since: number;
  /** The latest no-data state (its cause may change during the episode: no series, then query failed). */
  state: NoDataState;
  /** Whether its one escalation message has been sent (or is being sent). */
  escalated: boolean;
}

/** Open episodes by guardrail id. */
export type NoDataEpisodes = Record<string, NoDataEpisode>;

export type NoDataEvent =
  | { kind: 'started'; episode: NoDataEpisode }
  | { kind: 'ended'; episode: NoDataEpisode; at: number; lastedMs: number }
  | { kind: 'escalate'; episode: NoDataEpisode; message: string };

export interface NoDataSettings {
  cadenceMs: number;
  /** Cadences without data before the escalation message is due (at least 1). */
  escalateAfter?: number;
}

/**
 * Whether an episode has lasted `escalateAfter` cadences without having been escalated: the moment its one
 * message is due. Lasting is measured from its first evaluation without data.
 */
export function escalationDue(episode: NoDataEpisode, now: number, settings: NoDataSettings): boolean {
  if (episode.escalated) return false;
  const after = Math.max(1, Math.floor(settings.escalateAfter ?? DEFAULT_NO_DATA_ESCALATE_AFTER));
  return now - episode.since >= after * settings.cadenceMs;
}

export const NoDataMessages = {
  ESCALATE: (g: Guardrail, e: NoDataEpisode, now: number, where: string) =>
    `No data for guardrail "${g.title ?? g.id}" (${condition(g)}) in ${where} for ${span(Math.max(0, now - e.since))}: ${e.state.detail}. It is treated as ${e.state.policy === 'inconclusive' ? 'inconclusive (no action is taken)' : e.state.policy === 'pause' ? 'a reason to pause' : 'a breach'}; check the metric catalogue entry for ${g.metric} and its source.`,
} as const;

/**
 * Folds the latest evaluations into the open episodes (mutating `episodes`) and returns what happened:
 * episodes that started, ended, and the escalations that came due. `where` names the rollout and phase in
 * the message. Guardrails with no evaluation given are left as they are.
 */
export function trackNoData(
  episodes: NoDataEpisodes,
  evaluations: readonly { guardrail: Guardrail; evaluation: Pick<GuardrailEvaluation, 'noData'> }[],
  now: number,
  settings: NoDataSettings,
  where: string,
): NoDataEvent[] {
  const events: NoDataEvent[] = [];
  for (const { guardrail, evaluation } of evaluations) {
    const open = Object.prototype.hasOwnProperty.call(episodes, guardrail.id)
      ? episodes[guardrail.id]
      : undefined;
    if (!evaluation.noData) {
      if (open) {
        delete episodes[guardrail.id];
        events.push({ kind: 'ended', episode: open, at: now, lastedMs: now - open.since });
      }
      continue;
    }
    const episode: NoDataEpisode = open
      ? { ...open, state: evaluation.noData }
      : {
          guardrailId: guardrail.id,
          metric: guardrail.metric,
          since: now,
          state: evaluation.noData,
          escalated: false,
        };
    episodes[guardrail.id] = episode;
    if (!open) events.push({ kind: 'started', episode });
    if (escalationDue(episode, now, settings)) {
      episode.escalated = true;
      events.push({
        kind: 'escalate',
        episode,
        message: NoDataMessages.ESCALATE(guardrail, episode, now, where),
      });
    }
  }
  return events;
}
