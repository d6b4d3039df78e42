import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { AuditResolver } from './audit/audit.resolver';
import { MetricSamplesResolver } from './automation/metric-samples.resolver';
import { EventsResolver } from './events/events.resolver';
import { FlagsResolver } from './flags/flags.resolver';
import { PlansResolver } from './plans/plans.resolver';
import { RolloutMessagesResolver } from './rollouts/rollout-messages.resolver';
import { CALLER_RESOLVERS } from './rollouts/caller/caller.resolver';
import { WaitingOnMeResolver } from './rollouts/caller/waiting-on-me.resolver';
import { RolloutsResolver } from './rollouts/rollouts.resolver';

/** Every resolver the API serves: the committed schema.graphql is printed from these. */
export const RESOLVERS = [
  AuditResolver,
  EventsResolver,
  FlagsResolver,
  MetricSamplesResolver,
  PlansResolver,
  RolloutsResolver,
  RolloutMessagesResolver,
  ...CALLER_RESOLVERS,
  WaitingOnMeResolver,
];

/** schema.graphql at the repository root (the nearest folder up holding package.json, from src or dist). */
export const SCHEMA_FILE = join(
  (function root(dir: string): string {
    return existsSync(join(dir, 'package.json')) || dirname(dir) === dir ? dir : root(dirname(dir));
  })(__dirname),
  'schema.graphql',
);

/** The API's GraphQL schema as SDL, sorted as the server sorts it. */
export async function printApiSchema(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    const schema = await app.get(GraphQLSchemaFactory).create(RESOLVERS);
    return `${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await app.close();
  }
}

// `npm run schema`: rewrites schema.graphql from the code.
if (require.main === module) {
  void printApiSchema().then((sdl) => {
    writeFileSync(SCHEMA_FILE, sdl);
    process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
  });
}
