import type { INestApplicationContext } from '@nestjs/common';
import { AuditActivities } from './audit.activities';

export type { AuditRecord } from './audit.activities';
export { ActivitiesModule } from './activities.module';

/** The activity functions workflows call (`proxyActivities<RolloutActivities>`). */
export interface RolloutActivities {
  recordAudit: AuditActivities['recordAudit'];
}

/** Binds the Nest providers' methods as the worker's activity functions. */
export function createActivities(app: INestApplicationContext): RolloutActivities {
  const audit = app.get(AuditActivities);
  return { recordAudit: audit.recordAudit.bind(audit) };
}
