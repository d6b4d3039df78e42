import 'reflect-metadata';
import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadApiConfig } from './api.config';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const config = loadApiConfig();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ api: config }));
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
