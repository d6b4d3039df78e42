import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { RolloutPlan } from '../../../../libs/plan/src';
import { evidenceFile, rehearsalEvidence, rehearsalProblems, rehearsalSummary } from './rehearsal';
import { toJson, toText } from './report';
import { EMPTY_SCENARIO, parseScenario, scenarioProblems, type Scenario } from './scenario';
import { simulate } from './simulation';
import { testServerPath } from './test-server';

export interface SimulateIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface SimulateDeps {
  /** Loads and validates the plan file; undefined after reporting why it cannot be used. */
  loadPlan: (file: string) => { plan?: RolloutPlan; code: number };
  setCode: (code: number) => void;
}

/** `simulate PLAN [--scenario FILE] [--format json]`: the real workflows, on simulated time. */
export function registerSimulate(program: Command, io: SimulateIo, deps: SimulateDeps): void {
  program
    .command('simulate')
    .description(
      'Run a plan on the time-skipping test server with recording adapters and print the timeline and final state',
    )
    .argument('<plan>', 'Markdown or YAML plan file')
    .option('--scenario <file>', 'YAML or JSON scenario: metric values over time and when people act')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string, options: { scenario?: string; format: 'text' | 'json' }) => {
      const { plan, code } = deps.loadPlan(file);
      if (!plan) return deps.setCode(code);
      const scenario = loadScenario(options.scenario, plan, io);
      if (!scenario) return deps.setCode(2);
      const progress = (line: string) => io.stderr(`simulate: ${line}\n`);
      const result = await simulate({ plan, scenario, testServerPath: testServerPath(), progress });
      progress(
        `done: ${result.status} after ${result.timeline.length} events in ${(result.elapsedMs / 1000).toFixed(1)} s`,
      );
      io.stdout(options.format === 'json' ? `${JSON.stringify(toJson(result), null, 2)}\n` : toText(result));
      deps.setCode(result.stopped ? 1 : 0);
    });
}

/** `rehearse PLAN [--level L] [--phase P] [--out FILE]`: one rollback level against recording adapters. */
export function registerRehearse(program: Command, io: SimulateIo, deps: SimulateDeps): void {
  program
    .command('rehearse')
    .description(
      'Rehearse a rollback level on the time-skipping test server with recording adapters and write the evidence',
    )
    .argument('<plan>', 'Markdown or YAML plan file')
    .option(
      '--level <id>',
      'rollback level to rehearse (default: the plan’s first; "none": compensations only)',
    )
    .option('--phase <id>', 'roll back once this phase is entered (default: the last phase)')
    .option('--out <file>', 'where to write the evidence (JSON)', 'rollback-rehearsal.json')
    .action(async (file: string, options: { level?: string; phase?: string; out: string }) => {
      const { plan, code } = deps.loadPlan(file);
      if (!plan) return deps.setCode(code);
      const level = options.level === 'none' ? undefined : (options.level ?? plan.rollback.levels[0]?.id);
      const phase = options.phase ?? plan.phases[plan.phases.length - 1].id;
      const problems = rehearsalProblems(plan, level, phase);
      if (problems.length) {
        io.stderr(problems.map((p) => `error: ${p}\n`).join(''));
        return deps.setCode(2);
      }
      const progress = (line: string) => io.stderr(`rehearse: ${line}\n`);
      const result = await simulate({
        plan,
        scenario: EMPTY_SCENARIO,
        testServerPath: testServerPath(),
        rolloutId: 'rehearsal',
        rehearse: { level, phase },
        progress,
      });
      const evidence = rehearsalEvidence(result, { level, phase }, new Date());
      const { text, sha256 } = evidenceFile(evidence);
      const out = resolve(options.out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, text);
      io.stdout(rehearsalSummary(evidence, out, sha256));
      deps.setCode(result.status === 'ROLLED_BACK' ? 0 : 1);
    });
}

function loadScenario(path: string | undefined, plan: RolloutPlan, io: SimulateIo): Scenario | undefined {
  if (!path) return EMPTY_SCENARIO;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    io.stderr(`error: cannot read scenario ${path}: ${(error as Error).message}\n`);
    return undefined;
  }
  const parsed = parseScenario(text);
  const errors = parsed.ok ? scenarioProblems(parsed.scenario, plan) : parsed.errors;
  if (errors.length || !parsed.ok) {
    io.stderr(`${path}: ${errors.length} error(s)\n${errors.map((e) => `  ${e}\n`).join('')}`);
    return undefined;
  }
  return parsed.scenario;
}
