import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { Request } from 'express';
import { TemporalClientModule, type TemporalConfig } from '../../../libs/temporal/src';
import { PersistenceModule, type PersistenceConfig } from '../../../libs/persistence/src';
import { AuditModule } from './audit/audit.module';
import { AutomationModule } from './automation/automation.module';
import { AuthModule } from './auth/auth.module';
import { API_CONFIG, type ApiConfig, loadApiConfig } from './api.config';
import { formatGraphQLError } from './common/format-error';
import { GraphQLErrorFilter } from './common/graphql-error.filter';
import { queryLimitsPlugin } from './common/query-limits';
import { HealthController } from './health.controller';
import { FlagsModule } from './flags/flags.module';
import { PlansModule } from './plans/plans.module';
import { RolloutsModule } from './rollouts/rollouts.module';

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
          plugins: [
            ApolloServerPluginLandingPageLocalDefault({ embed: true }),
            queryLimitsPlugin(api.queryLimits),
          ],
          context: ({ req }: { req: Request }) => ({ req }),
          formatError: formatGraphQLError,
        }),
        AuthModule.forRoot(options.auth),
        AuditModule,
        AutomationModule,
        FlagsModule,
        PlansModule,
        RolloutsModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: GraphQLErrorFilter },
        { provide: API_CONFIG, useValue: api },
      ],
      exports: [API_CONFIG],
    };
  }
}
