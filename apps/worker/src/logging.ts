import { ConsoleLogger, Logger } from '@nestjs/common';
import { DefaultLogger, type LogLevel, Runtime, type TelemetryOptions } from '@temporalio/worker';
import { z } from 'zod';
import { parseEnv } from '../../../libs/config/src';

const env = z.object({ LOG_FORMAT: z.enum(['json', 'text']).default('json') });

const METHODS: Record<LogLevel, 'verbose' | 'debug' | 'log' | 'warn' | 'error'> = {
  TRACE: 'verbose',
  DEBUG: 'debug',
  INFO: 'log',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * One log stream for the worker process: Nest's logger (JSON lines unless LOG_FORMAT=text), and the Temporal
 * SDK's own logs (worker state, workflow and activity `log` calls with their workflow IDs) routed into it.
 * Call before any worker or connection is created: the SDK's runtime is installed once per process, with
 * `telemetryOptions` (the SDK's metrics exporter) when given.
 */
export function installWorkerLogging(
  source: NodeJS.ProcessEnv = process.env,
  telemetryOptions?: TelemetryOptions,
): void {
  const { LOG_FORMAT } = parseEnv(env, source, 'Worker');
  if (LOG_FORMAT === 'text') {
    // Nest's and the SDK's default coloured lines
    if (telemetryOptions) Runtime.install({ telemetryOptions });
    return;
  }
  Logger.overrideLogger(new ConsoleLogger({ json: true }));
  const temporal = new Logger('Temporal');
  Runtime.install({
    logger: new DefaultLogger('INFO', ({ level, message, meta }) =>
      temporal[METHODS[level]]({ msg: message, ...meta }),
    ),
    ...(telemetryOptions && { telemetryOptions }),
  });
}
