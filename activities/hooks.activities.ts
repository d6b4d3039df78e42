import { Inject, Injectable } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import { ADAPTERS_CONFIG, type AdaptersConfig, type HookKind } from './adapters.config';
import { httpCall } from './http-call';

export interface CallHookInput {
  rolloutId: string;
  /** The rollback step (or phase hook) that calls; named in every failure. */
  stepId: string;
  kind: HookKind;
  /** The step's own URL; otherwise `HOOK_URLS[kind]`. */
  url?: string;
  payload?: Record<string, unknown>;
  /** Stable across retries; the receiver sees it as `Idempotency-Key` and must treat a repeat as done. */
  idempotencyKey: string;
  timeoutMs?: number;
}

@Injectable()
export class HooksActivities {
  constructor(@Inject(ADAPTERS_CONFIG) private readonly config: AdaptersConfig) {}

  /**
   * POSTs a deployment or data-recovery hook. Fails without retrying when no URL is configured or the
   * receiver refuses (4xx): a rollback must never pretend a step ran.
   */
  async callHook(input: CallHookInput): Promise<{ status: number }> {
    const { rolloutId, stepId, kind, payload, idempotencyKey } = input;
    const url = input.url ?? this.config.hookUrls[kind];
    if (!url) {
      throw ApplicationFailure.nonRetryable(
        `no URL configured for ${kind} (step ${stepId})`,
        'HookNotConfigured',
      );
    }
    const { status } = await httpCall(
      {
        method: 'POST',
        url,
        idempotencyKey,
        timeoutMs: input.timeoutMs ?? this.config.timeoutMs,
        body: { rolloutId, stepId, kind, payload: payload ?? {} },
      },
      { what: `Hook ${kind} (step ${stepId})`, failure: 'Hook' },
    );
    return { status };
  }
}
