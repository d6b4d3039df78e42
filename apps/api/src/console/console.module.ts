import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import { ConsoleController } from './console.controller';
import { CONSOLE_CONFIG, type ConsoleConfig, loadConsoleConfig } from './console.config';
import { ConsoleMiddleware } from './console.middleware';

/** The release console (apps/web, built into dist/web) and the offline GraphQL IDE, on the API's origin. */
@Module({})
export class ConsoleModule implements NestModule {
  static forRoot(config: ConsoleConfig = loadConsoleConfig()): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [ConsoleController],
      providers: [{ provide: CONSOLE_CONFIG, useValue: config }, ConsoleMiddleware],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ConsoleMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.GET });
  }
}
