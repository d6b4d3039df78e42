import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { currentRequestId } from './request-context';

/** Nest's JSON console logger, one object per line, with the request ID of the request being handled. */
export class JsonLogger extends ConsoleLogger {
  constructor() {
    super({ json: true });
  }

  protected override getJsonLogObject(
    message: unknown,
    options: {
      context: string;
      logLevel: LogLevel;
      writeStreamType?: 'stdout' | 'stderr';
      errorStack?: unknown;
    },
  ) {
    const requestId = currentRequestId();
    return { ...super.getJsonLogObject(message, options), ...(requestId ? { requestId } : {}) };
  }
}
