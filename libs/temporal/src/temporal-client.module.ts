import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { currentTracing, tracingClientInterceptors } from '../../tracing/src';
import { connectionOptions, loadTemporalConfig, type TemporalConfig } from './temporal.config';
import { TEMPORAL_CLIENT, TEMPORAL_CONFIG } from './temporal.tokens';

@Injectable()
class ClientShutdown implements OnApplicationShutdown {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}

/** A Temporal client for the API, connected once at start-up (a bad address fails the boot, not a request). */
@Module({})
export class TemporalClientModule {
  static forRoot(config: TemporalConfig = loadTemporalConfig()): DynamicModule {
    return {
      module: TemporalClientModule,
      global: true,
      providers: [
        { provide: TEMPORAL_CONFIG, useValue: config },
        {
          provide: TEMPORAL_CLIENT,
          useFactory: async () => {
            new Logger('Temporal').log(`connecting to ${config.address} (namespace ${config.namespace})`);
            const connection = await Connection.connect({
              ...connectionOptions(config),
              connectTimeout: '10s',
            });
            // Traced when the process started the OpenTelemetry SDK: the caller's span goes in the headers.
            const interceptors = tracingClientInterceptors(currentTracing());
            return new Client({ connection, namespace: config.namespace, interceptors });
          },
        },
        ClientShutdown,
      ],
      exports: [TEMPORAL_CONFIG, TEMPORAL_CLIENT],
    };
  }
}
