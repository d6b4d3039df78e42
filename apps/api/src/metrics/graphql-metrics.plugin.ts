import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { ApiMetrics } from '../../../../libs/metrics/src';
import { actionOutcomes, fieldLabel } from './graphql-operations';

/**
 * Times every GraphQL operation over HTTP (by type and root field) and counts each mutation field as an action
 * accepted, refused or failed. Subscriptions over graphql-ws bypass Apollo's plugins and are not timed here.
 */
@Plugin()
export class GraphQLMetricsPlugin implements ApolloServerPlugin {
  constructor(private readonly metrics: ApiMetrics) {}

  requestDidStart(): Promise<GraphQLRequestListener<Record<string, unknown>>> {
    const end = this.metrics.graphqlDuration.startTimer();
    return Promise.resolve({
      willSendResponse: async ({ operation, response }) => {
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        end({
          type: operation?.operation ?? 'unknown',
          field: fieldLabel(operation ?? undefined),
          outcome: errors?.length ? 'error' : 'ok',
        });
        if (operation)
          for (const labels of actionOutcomes(operation, errors)) this.metrics.actions.inc({ ...labels });
        return Promise.resolve();
      },
    });
  }
}
