import { Module } from '@nestjs/common';
import { loadReconcilerConfig, RECONCILER_CONFIG } from './reconciler.config';
import { ReconcilerService } from './reconciler.service';
import { ClientReconcilerTemporal, RECONCILER_TEMPORAL } from './reconciler.temporal';

/** Rollouts terminated in Temporal, shown as TERMINATED in the projection (see ReconcilerService). */
@Module({
  providers: [
    { provide: RECONCILER_CONFIG, useFactory: () => loadReconcilerConfig() },
    { provide: RECONCILER_TEMPORAL, useClass: ClientReconcilerTemporal },
    ReconcilerService,
  ],
  exports: [ReconcilerService],
})
export class ReconcilerModule {}
