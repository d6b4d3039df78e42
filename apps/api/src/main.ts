import 'reflect-metadata';
import { ConsoleLogger, Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadApiConfig } from './api.config';
import { AppModule } from './app.module';
import { JsonLogger } from './common/json-logger';
import { requestContext } from './common/request-context';
import { ApiMetrics } from '../../../libs/metrics/src';
import { httpMetrics } from './metrics/http-metrics.middleware';
import { startTracing } from '../../../libs/tracing/src';
import { traceHttpRequests } from './tracing/http-spans';

async function bootstrap(): Promise<void> {
  // Before the modules are built: the Temporal client's interceptors use the SDK it registers (docs/tracing.md).
  const tracing = startTracing('rollout-api');
  const config = loadApiConfig();
  // Set before the modules are built: some log while they are (the database, the Temporal address).
  const logger = config.logFormat === 'json' ? new JsonLogger() : new ConsoleLogger();
  Logger.overrideLogger(logger);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ api: config }), {
    logger,
  });
  // First, so every later log line of a request (and its errors) carries its ID.
  app.use(requestContext);
  app.use(httpMetrics(app.get(ApiMetrics)));
  if (tracing) app.use(traceHttpRequests);
  // An explicit limit: oversized bodies get a clear 413 instead of a parser error.
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidUnknownValues: true }));
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  new Logger('API').log(`GraphQL ready at ${url.replace('[::1]', 'localhost')}/graphql`);
}

bootstrap().catch((err: unknown) => {
  new Logger('API').error(
    err instanceof Error ? err.message : String(err),
    err instanceof Error ? err.stack : undefined,
  );
  process.exit(1);
});
