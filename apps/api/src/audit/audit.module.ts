import { Module } from '@nestjs/common';
import { AuditResolver } from './audit.resolver';
import { AuditService } from './audit.service';

/** The audit log as admin UIs read it. */
@Module({ providers: [AuditResolver, AuditService] })
export class AuditModule {}
