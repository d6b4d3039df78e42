import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { Kind } from 'graphql';

/**
 * Names the request's server span for its GraphQL operation (`mutation pauseRollout`) and marks it failed when
 * the operation answered errors. A provider only when tracing is on (TracingModule).
 */
@Plugin()
export class GraphQLSpansPlugin implements ApolloServerPlugin {
  requestDidStart(): Promise<GraphQLRequestListener<BaseContext>> {
    const span = trace.getActiveSpan();
    if (!span) return Promise.resolve({});
    return Promise.resolve({
      didResolveOperation: ({ operation, operationName }) => {
        if (!operation) return Promise.resolve();
        // The first field says what the operation does; its document name is often a client's alias (M, Q …).
        const field = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
        const name = field?.kind === Kind.FIELD ? field.name.value : (operationName ?? 'anonymous');
        span.updateName(`${operation.operation} ${name}`);
        span.setAttributes({
          'graphql.operation.type': operation.operation,
          'graphql.operation.name': operationName ?? '',
          'graphql.operation.field': name,
        });
        return Promise.resolve();
      },
      didEncounterErrors: ({ errors }) => {
        span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]?.message });
        return Promise.resolve();
      },
    });
  }
}
