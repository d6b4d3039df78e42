import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { listCost } from '../common/query-limits';
import { CurrentActor, type RequestActor, Roles } from '../auth/auth.decorators';
import { graphQLError } from '../common/graphql-errors';
import { PlanDocumentInput } from './dto/plan-document.input';
import { ImportPlanResult, PlanModel, PlanVersionModel, ValidatePlanResult } from './models/plan.model';
import { toPlanVersion, toProblems, toReport } from './plans.mapper';
import { PlansService } from './plans.service';

const toPlan = (versions: PlanVersionModel[]): PlanModel => ({
  name: versions[0].name,
  title: versions[0].title,
  latest: versions[0],
  versions,
});

@Resolver()
export class PlansResolver {
  constructor(private readonly service: PlansService) {}

  @Mutation(() => ImportPlanResult, {
    description:
      'Imports a plan document as a new immutable version (or returns the latest, unchanged, if it holds the same plan). Release managers.',
  })
  @Roles('startRoles')
  async importPlan(
    @Args('input') input: PlanDocumentInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<ImportPlanResult> {
    const result = await this.service.import(input, actor.id);
    if ('ok' in result)
      throw graphQLError('BAD_USER_INPUT', `The plan is not valid: ${result.errors[0]?.message ?? ''}`, {
        problems: toProblems(result.errors),
      });
    return {
      planVersion: toPlanVersion(result.version),
      created: result.created,
      changes: result.changes,
      report: toReport(result.report),
    };
  }

  @Query(() => ValidatePlanResult, { description: 'Parses and validates a plan document; writes nothing.' })
  validatePlan(@Args('input') input: PlanDocumentInput): ValidatePlanResult {
    const checked = this.service.check(input);
    return checked.ok
      ? {
          valid: true,
          errors: [],
          name: checked.plan.metadata.name,
          phases: checked.plan.phases.map((p) => p.name),
          report: toReport(checked.report),
        }
      : { valid: false, errors: toProblems(checked.errors), phases: [], report: toReport(checked.report) };
  }

  @Query(() => [PlanModel], { complexity: listCost, description: 'Every plan, by name, with its versions.' })
  async plans(): Promise<PlanModel[]> {
    return (await this.service.byName()).map((rows) => toPlan(rows.map(toPlanVersion)));
  }

  @Query(() => PlanModel, { description: 'A plan and all its versions, newest first.' })
  async plan(@Args('name') name: string): Promise<PlanModel> {
    const rows = await this.service.versionsOf(name);
    if (rows.length === 0) throw graphQLError('NOT_FOUND', `Plan ${name.slice(0, 80)} does not exist`);
    return toPlan(rows.map(toPlanVersion));
  }

  @Query(() => PlanVersionModel, { description: 'One plan version, by id (<name>@<version>).' })
  async planVersion(@Args('id', { type: () => ID }) id: string): Promise<PlanVersionModel> {
    const row = await this.service.version(id);
    if (!row) throw graphQLError('NOT_FOUND', `Plan version ${id.slice(0, 80)} does not exist`);
    return toPlanVersion(row);
  }
}
