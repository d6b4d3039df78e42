import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { RolloutPlan } from '../../../../libs/plan/src';
import { evidenceFile, rehearsalEvidence, rehearsalProblems, rehearsalSummary } from './rehearsal';
import { toJson, toText } from './report';
import { EMPTY_SCENARIO, parseScenario, scenarioProblems, type Scenario } from './scenario';
import {
  DEFAULT_SIMULATION_TIMEOUT_MS,
  simulate,
  SimulationStopped,
  type SimulationResult,
} from './simulation';
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

/** `--timeout <seconds>`: the real time a simulation may take before it gives up. */
function timeoutOption(): Option {
  return new Option('--timeout <seconds>', 'give up after this much real time, naming what was awaited')
    .default(DEFAULT_SIMULATION_TIMEOUT_MS / 1000)
    .argParser((value) => {
      const seconds = Number(value);
      if (!Number.isFinite(seconds) || seconds <= 0)
        throw new InvalidArgumentError('a number of seconds > 0');
      return seconds;
    });
}

/** Exit codes of a simulation that did not run to its end: 1 gave up (timeout), 128+n interrupted by signal n. */
const SIGNAL_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Runs a simulation that SIGINT/SIGTERM interrupt cleanly: the worker and the test server are stopped
 * before the command answers (with 128+n), so no process outlives it. A simulation that gives up or is
 * interrupted reports what it was waiting for on stderr.
 */
async function interruptible(
  what: string,
  io: SimulateIo,
  deps: SimulateDeps,
  run: (signal: AbortSignal) => Promise<SimulationResult>,
): Promise<SimulationResult | undefined> {
  const abort = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    received ??= signal;
    abort.abort(new Error(signal));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.on(signal, onSignal);
  try {
    return await run(abort.signal);
  } catch (err) {
    if (!(err instanceof SimulationStopped)) throw err;
    io.stderr(`${what}: error: ${err.message}\n`);
    deps.setCode(received ? (SIGNAL_CODES[received] ?? 1) : 1);
    return undefined;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
}

/** `simulate PLAN [--scenario FILE] [--format json] [--timeout S]`: the real workflows, on simulated time. */
export function registerSimulate(program: Command, io: SimulateIo, deps: SimulateDeps): void {
  program
    .command('simulate')
    .description(
      'Run a plan on the time-skipping test server with recording adapters and print the timeline and final state',
    )
    .argument('<plan>', 'Markdown or YAML plan file')
    .option('--scenario <file>', 'YAML or JSON scenario: metric values over time and when people act')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(timeoutOption())
    .action(
      async (file: string, options: { scenario?: string; format: 'text' | 'json'; timeout: number }) => {
        const { plan, code } = deps.loadPlan(file);
        if (!plan) return deps.setCode(code);
        const scenario = loadScenario(options.scenario, plan, io);
        if (!scenario) return deps.setCode(2);
        const progress = (line: string) => io.stderr(`simulate: ${line}\n`);
        const result = await interruptible('simulate', io, deps, (signal) =>
          simulate({
            plan,
            scenario,
            testServerPath: testServerPath(),
            progress,
            timeoutMs: options.timeout * 1000,
            signal,
          }),
        );
        if (!result) return;
        progress(
          `done: ${result.status} after ${result.timeline.length} events in ${(result.elapsedMs / 1000).toFixed(1)} s`,
        );
        io.stdout(
          options.format === 'json' ? `${JSON.stringify(toJson(result), null, 2)}\n` : toText(result),
        );
        deps.setCode(result.stopped ? 1 : 0);
      },
    );
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
    .addOption(timeoutOption())
    .action(
      async (file: string, options: { level?: string; phase?: string; out: string; timeout: number }) => {
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
        const result = await interruptible('rehearse', io, deps, (signal) =>
          simulate({
            plan,
            scenario: EMPTY_SCENARIO,
            testServerPath: testServerPath(),
            rolloutId: 'rehearsal',
            rehearse: { level, phase },
            progress,
            timeoutMs: options.timeout * 1000,
            signal,
          }),
        );
        if (!result) return;
        const evidence = rehearsalEvidence(result, { level, phase }, new Date());
        const { text, sha256 } = evidenceFile(evidence);
        const out = resolve(options.out);
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, text);
        io.stdout(rehearsalSummary(evidence, out, sha256));
        deps.setCode(result.status === 'ROLLED_BACK' ? 0 : 1);
      },
    );
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
