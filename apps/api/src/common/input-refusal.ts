import { randomUUID } from 'node:crypto';
import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type ExceptionFilter,
  Injectable,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import type { z } from 'zod';
import { AuditLogService, NO_ROLLOUT } from '../../../../libs/persistence/src';
import type { AuthedRequest } from '../auth/auth.decorators';
import { storable, storableValue, zodProblems } from './input-checks';

const MAX_INPUT_CHARS = 2_000;

/** A REST request whose input `input-checks` refused: HTTP 400 with the problems, and an audit entry. */
export class InputRefused extends BadRequestException {
  constructor(
    message: string,
    readonly problems: string[],
    /** What the request carried, as the audit log records it (made storable, cut to 2,000 characters). */
    readonly input: unknown,
  ) {
    super({ statusCode: 400, error: 'Bad Request', message, problems });
  }
}

/** The input parsed by a schema of `input-checks`, or an InputRefused naming every problem. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  message: string,
  root = 'body',
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InputRefused(message, zodProblems(parsed.error, root).slice(0, 20), input);
}

/** The input as recorded: storable text, never more than MAX_INPUT_CHARS of JSON. */
function recorded(input: unknown): unknown {
  const value = storableValue(input);
  const json = JSON.stringify(value) ?? 'null';
  return json.length <= MAX_INPUT_CHARS ? value : { truncated: json.slice(0, MAX_INPUT_CHARS) };
}

/**
 * Answers an InputRefused (400, with its problems) after appending the refusal to the audit log: who (or
 * `anonymous`), `api.<METHOD> <path>`, the problems and the input made storable (a NUL becomes U+FFFD, so
 * recording it cannot fail where the input itself could not be taken).
 */
@Catch(InputRefused)
@Injectable()
export class InputRefusalFilter implements ExceptionFilter {
  private readonly logger = new Logger('Audit');

  constructor(private readonly audit: AuditLogService) {}

  async catch(exception: InputRefused, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const req = http.getRequest<AuthedRequest>();
    const res = http.getResponse<Response>();
    const route = `${req.method} ${req.path}`;
    try {
      await this.audit.append({
        idempotencyKey: `refusal/${randomUUID()}`,
        rolloutId: NO_ROLLOUT,
        actor: storable(req.actor?.id ?? 'anonymous'),
        action: `api.${route}`.slice(0, 255),
        target: route.slice(0, 255),
        outcome: 'refused',
        payload: {
          code: 'BAD_USER_INPUT',
          message: exception.message,
          problems: exception.problems.map(storable),
          roles: req.actor?.roles ?? [],
          requestId: req.headers['x-request-id'],
          input: recorded(exception.input),
        },
      });
    } catch (err) {
      // The caller still gets the refusal; losing the record of it is ours to see in the logs.
      this.logger.error(`could not audit a refusal of ${route}: ${(err as Error).message}`);
    }
    res.status(400).json(exception.getResponse());
  }
}
