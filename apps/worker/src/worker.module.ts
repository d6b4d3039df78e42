import { type DynamicModule, Module } from '@nestjs/common';
import { ActivitiesModule } from '../../../activities';
import { PersistenceModule, type PersistenceConfig } from '../../../libs/persistence/src';
import { loadTemporalConfig, TEMPORAL_CONFIG, type TemporalConfig } from '../../../libs/temporal/src';

/** The worker's Nest context: activities get dependency injection; no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(
    options: { temporal?: TemporalConfig; persistence?: PersistenceConfig } = {},
  ): DynamicModule {
    return {
      module: WorkerModule,
      imports: [PersistenceModule.forRoot(options.persistence), ActivitiesModule],
      providers: [{ provide: TEMPORAL_CONFIG, useValue: options.temporal ?? loadTemporalConfig() }],
      exports: [TEMPORAL_CONFIG],
    };
  }
}
