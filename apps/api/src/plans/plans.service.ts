import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { PlanVersion } from '../../../../libs/persistence/src';
import {
  IdSchema,
  importMarkdown,
  parsePlanDocument,
  planChanges,
  type ImportReport,
  type PlanError,
  type RolloutPlan,
} from '../../../../libs/plan/src';

export interface PlanDocument {
  markdown?: string;
  yaml?: string;
  /** Overrides the name the document gives the plan. */
  name?: string;
  /** The Markdown file's name: names the plan when its title is generic ("Production Rollout Plan"). */
  fileName?: string;
}

export type PlanCheck =
  | { ok: true; plan: RolloutPlan; format: 'markdown' | 'yaml'; report?: ImportReport }
  | { ok: false; errors: PlanError[]; report?: ImportReport };

export interface PlanImport {
  version: PlanVersion;
  /** False when the document held the same plan as the latest version: nothing was written. */
  created: boolean;
  changes: string[];
  report?: ImportReport;
}

/** Plan versions: imported, validated, immutable. A changed document makes the next version. */
@Injectable()
export class PlansService {
  constructor(private readonly em: EntityManager) {}

  /** Parses and validates without writing. */
  check(doc: PlanDocument): PlanCheck {
    const given = [doc.markdown, doc.yaml].filter((t) => t !== undefined);
    if (given.length !== 1)
      return { ok: false, errors: [{ path: '', message: 'Give exactly one of markdown or yaml' }] };
    if (doc.name !== undefined && !IdSchema.safeParse(doc.name).success)
      return {
        ok: false,
        errors: [
          { path: 'name', message: `"${doc.name}" is not a plan name (lowercase letters, digits, -)` },
        ],
      };
    if (doc.markdown !== undefined) {
      const { plan, report } = importMarkdown(doc.markdown, { fileName: doc.fileName });
      if (report.errors.length) return { ok: false, errors: report.errors, report };
      return { ok: true, plan: named(plan, doc.name), format: 'markdown', report };
    }
    const parsed = parsePlanDocument(doc.yaml as string);
    return parsed.ok
      ? { ok: true, plan: named(parsed.plan, doc.name), format: 'yaml' }
      : { ok: false, errors: parsed.errors };
  }

  /** Imports a valid document as the plan's next version, unless it holds the same plan as the latest. */
  async import(doc: PlanDocument, actor: string): Promise<PlanImport | Extract<PlanCheck, { ok: false }>> {
    const checked = this.check(doc);
    if (!checked.ok) return checked;
    const { plan, format, report } = checked;
    for (let attempt = 0; ; attempt++) {
      const em = this.em.fork();
      const latest = await this.latestOf(em, plan.metadata.name);
      const changes = latest ? planChanges(latest.plan as unknown as RolloutPlan, plan) : [];
      if (latest && changes.length === 0) return { version: latest, created: false, changes, report };
      const version = (latest?.version ?? 0) + 1;
      const row = em.create(PlanVersion, {
        id: `${plan.metadata.name}@${version}`,
        name: plan.metadata.name,
        version,
        format,
        source: doc.markdown ?? doc.yaml ?? '',
        plan,
        digest: digestOf(plan),
        report: report ? (report as unknown as Record<string, unknown>) : null,
        changes: latest ? changes : ['first version'],
        createdBy: actor,
        createdAt: new Date(),
      });
      try {
        await em.flush();
        return { version: row, created: true, changes: row.changes, report };
      } catch (error) {
        // Someone imported the same plan at the same moment: read again and compare with theirs.
        if (!(error instanceof UniqueConstraintViolationException) || attempt >= 3) throw error;
      }
    }
  }

  /** Every plan's versions, newest first, plans by name. */
  async byName(): Promise<PlanVersion[][]> {
    const rows = await this.em.fork().find(PlanVersion, {}, { orderBy: { name: 'asc', version: 'desc' } });
    const groups = new Map<string, PlanVersion[]>();
    for (const row of rows) groups.set(row.name, [...(groups.get(row.name) ?? []), row]);
    return [...groups.values()];
  }

  versionsOf(name: string): Promise<PlanVersion[]> {
    return this.em.fork().find(PlanVersion, { name }, { orderBy: { version: 'desc' } });
  }

  version(id: string): Promise<PlanVersion | null> {
    return this.em.fork().findOne(PlanVersion, { id });
  }

  private latestOf(em: EntityManager, name: string): Promise<PlanVersion | null> {
    return em.findOne(PlanVersion, { name }, { orderBy: { version: 'desc' } });
  }
}

function named(plan: RolloutPlan, name: string | undefined): RolloutPlan {
  return name ? { ...plan, metadata: { ...plan.metadata, name } } : plan;
}

/** The plan without document positions: the same plan from a reformatted document has the same digest. */
export function digestOf(plan: RolloutPlan): string {
  const text = JSON.stringify(plan, (key, value: unknown) => (key === 'source' ? undefined : value));
  return createHash('sha256').update(text).digest('hex');
}
