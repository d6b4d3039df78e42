import { type DynamicModule, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { stopTracing, tracingEnabled } from '../../../../libs/tracing/src';
import { GraphQLSpansPlugin } from './graphql-spans.plugin';

@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    // The batch processor holds the last spans: sent before the process exits.
    await stopTracing();
  }
}

/** The API's traces (docs/tracing.md): GraphQL operation spans and the SDK's flush at shutdown, when enabled. */
@Module({})
export class TracingModule {
  static forRoot(enabled = tracingEnabled()): DynamicModule {
    return { module: TracingModule, providers: enabled ? [GraphQLSpansPlugin, TracingShutdown] : [] };
  }
}
