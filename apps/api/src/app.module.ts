import type { IncomingMessage } from 'node:http';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { Request } from 'express';
import { TemporalClientModule, type TemporalConfig } from '../../../libs/temporal/src';
import { PersistenceModule, type PersistenceConfig } from '../../../libs/persistence/src';
import { AuditModule } from './audit/audit.module';
import { AutomationModule } from './automation/automation.module';
import { ConsoleModule } from './console/console.module';
import { AuthModule } from './auth/auth.module';
import { auditSubscriptionResult } from './auth/refusal-audit.plugin';
import { wsRequest } from './auth/ws-request';
import { API_CONFIG, type ApiConfig, loadApiConfig } from './api.config';
import { formatGraphQLError } from './common/format-error';
import { GraphQLErrorFilter } from './common/graphql-error.filter';
import { queryLimitsPlugin, subscriptionDocumentBound } from './common/query-limits';
import { HealthController } from './health.controller';
import { ReadinessController } from './health/readiness.controller';
import { ReadinessService } from './health/readiness.service';
import { WritableInterceptor } from './health/writable.interceptor';
import { EventsModule } from './events/events.module';
import { FlagsModule } from './flags/flags.module';
import { MetricsModule } from './metrics/metrics.module';
import { PlansModule } from './plans/plans.module';
import { ReconcilerModule } from './reconciler/reconciler.module';
import { RolloutsModule } from './rollouts/rollouts.module';
import { TracingModule } from './tracing/tracing.module';

interface GraphQLContextSource {
  req?: Request;
  connectionParams?: Record<string, unknown>;
  extra?: { request?: IncomingMessage };
}

@Module({})
export class AppModule {
  static forRoot(
    options: {
      api?: ApiConfig;
      temporal?: TemporalConfig;
      persistence?: PersistenceConfig;
      auth?: { secret?: string };
    } = {},
  ): DynamicModule {
    const api = options.api ?? loadApiConfig();
    return {
      module: AppModule,
      global: true,
      imports: [
        PersistenceModule.forRoot(options.persistence),
        TemporalClientModule.forRoot(options.temporal),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          sortSchema: true,
          playground: false,
          introspection: true,
          // The document's size, bounded while it is parsed: a longer one is refused (GRAPHQL_PARSE_FAILED, 400).
          parseOptions: { maxTokens: api.queryLimits.maxTokens },
          plugins: [
            // A browser opening /graphql gets the offline IDE from ConsoleModule (no CDN page).
            ApolloServerPluginLandingPageDisabled(),
            queryLimitsPlugin(api.queryLimits),
          ],
          subscriptions: {
            'graphql-ws': {
              // The same document-size bound as over HTTP.
              onSubscribe: subscriptionDocumentBound(api.queryLimits.maxTokens),
              // A subscription refused over graphql-ws bypasses Apollo's plugins: audited from its one result.
              onNext: (_ctx, _id, _payload, args, result) => auditSubscriptionResult(args, result),
            },
          },
          // HTTP operations carry the request; graphql-ws ones their connection's params and upgrade request.
          context: ({ req, connectionParams, extra }: GraphQLContextSource) => ({
            req: req ?? wsRequest(connectionParams, extra?.request),
          }),
          formatError: formatGraphQLError,
        }),
        AuthModule.forRoot(options.auth),
        AuditModule,
        AutomationModule,
        ConsoleModule.forRoot(),
        EventsModule,
        FlagsModule,
        MetricsModule,
        PlansModule,
        RolloutsModule,
        ReconcilerModule,
        TracingModule.forRoot(),
      ],
      controllers: [HealthController, ReadinessController],
      providers: [
        { provide: APP_FILTER, useClass: GraphQLErrorFilter },
        { provide: API_CONFIG, useValue: api },
        ReadinessService,
        // An action whose audit entry cannot be written is not carried out (after the guard, before the handler).
        { provide: APP_INTERCEPTOR, useClass: WritableInterceptor },
      ],
      exports: [API_CONFIG],
    };
  }
}
