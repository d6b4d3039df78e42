import { Module } from '@nestjs/common';
import { EventsResolver } from './events.resolver';

/** Live rollout events for admin UIs (GraphQL subscriptions over graphql-ws). */
@Module({ providers: [EventsResolver] })
export class EventsModule {}
