import { Module } from '@nestjs/common';
import { AuditActivities } from './audit.activities';

/** Every activity provider the worker registers. */
export const ACTIVITY_PROVIDERS = [AuditActivities];

@Module({ providers: ACTIVITY_PROVIDERS, exports: ACTIVITY_PROVIDERS })
export class ActivitiesModule {}
