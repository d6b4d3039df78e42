import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { type ApiKey, loadApiKeys, loadAuthConfig, resolveJwtSecret } from '../../../../libs/auth/src';
import { API_KEYS, AUTH_SECRET, AuthGuard } from './auth.guard';
import { RefusalAuditFilter } from './refusal-audit.filter';
import { RefusalAuditPlugin } from './refusal-audit.plugin';
import { RefusalAuditService } from './refusal-audit.service';

/** Bearer tokens on every operation (a global guard), and an audit entry for every refusal: GraphQL, graphql-ws, REST. */
@Module({})
export class AuthModule {
  /**
   * `secret` for tests; otherwise AUTH_JWT_SECRET, or the development secret under the data folder. `apiKeys`
   * for tests; otherwise OFREP_API_KEYS (the flag readers' `X-API-Key`s).
   */
  static forRoot(options: { secret?: string; apiKeys?: ApiKey[] } = {}): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AUTH_SECRET, useFactory: () => options.secret ?? resolveJwtSecret(loadAuthConfig()) },
        { provide: API_KEYS, useFactory: () => options.apiKeys ?? loadApiKeys() },
        { provide: APP_GUARD, useClass: AuthGuard },
        RefusalAuditService,
        RefusalAuditPlugin,
        // REST refusals, audited like GraphQL's (the plugin), and graphql-ws's (auditSubscriptionResult).
        { provide: APP_FILTER, useClass: RefusalAuditFilter },
      ],
      exports: [AUTH_SECRET, RefusalAuditService],
    };
  }
}
