import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A flag as applications read it.' })
export class Flag {
  @Field() key: string;
  @Field({ description: 'The value as JSON (true, 42, "blue"): flags keep their type.' }) value: string;
  @Field({ description: 'Where the value comes from: the environment asked for, or * (everyone).' })
  environment: string;
  @Field() updatedBy: string;
  @Field() updatedAt: Date;
  @Field({ nullable: true, description: 'The rollout that last set it.' }) rolloutId?: string;
}
