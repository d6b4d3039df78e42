import { BadRequestException, UnprocessableEntityException } from '@nestjs/common';
import type { z } from 'zod';
import { zodProblems } from './input-checks';

/**
 * A REST request whose input `input-checks` refused: HTTP 400 with the problems. `RefusalAuditFilter` audits
 * it, with the problems and what was given (made storable by the audit log: a NUL becomes U+FFFD).
 */
export class InputRefused extends BadRequestException {
  constructor(
    message: string,
    readonly problems: string[],
    /** What the request carried. */
    readonly input: unknown,
  ) {
    super({ statusCode: 400, error: 'Bad Request', message, problems });
  }
}

/**
 * A REST request that was well formed but asked for something that cannot be done as asked: HTTP 422 with the
 * problems, and whatever else the answer carries (`body`). Audited as InputRefused is, with `input`.
 */
export class InputUnprocessable extends UnprocessableEntityException {
  constructor(
    message: string,
    readonly problems: string[],
    /** What the refusal is about (the refused part of the request). */
    readonly input: unknown,
    body: Record<string, unknown> = {},
  ) {
    super({ statusCode: 422, error: 'Unprocessable Entity', message, problems, ...body });
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
