import { Command, CommanderError, Option } from 'commander';
import {
  describeError,
  serializePlan,
  type ImportReport,
  type PlanError,
  type RolloutPlan,
} from '../../../libs/plan/src';
import { readCatalogueFile } from '../../../libs/config/src/metric-catalogue';
import { registerAuditCommands } from './audit.command';
import { catalogueReport } from './plan-catalogue';
import { explainPlan } from './explain';
import { readPlanFile } from './plan-file';
import { loadPlan } from './plan-load';
import { registerRehearse, registerSimulate } from './simulate/simulate.command';
import { registerTokenCommands } from './token.command';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Configuration for the commands that read it (audit, token); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes: 0 done, 1 the plan is invalid, 2 the command or its input could not be used. */
export const EXIT = { OK: 0, INVALID: 1, USAGE: 2 } as const;

/** Runs the CLI with arguments as typed after the program name; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code: number = EXIT.OK;
  const program = new Command('rollout')
    .description('Rollout engine command line')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const plan = program.command('plan').description('Import, validate and explain rollout plans');

  plan
    .command('import')
    .description('Import a Markdown plan: canonical plan to stdout, import report to stderr')
    .argument('<file>', 'Markdown (or YAML/JSON) plan document')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .action((file: string, options: { format: 'yaml' | 'json' }) => {
      code = withFile(file, io, (loaded) => {
        if (loaded.report) io.stderr(formatReport(file, loaded.report));
        else if (loaded.errors.length > 0) io.stderr(formatErrors(file, loaded.errors));
        if (loaded.plan && (loaded.report || loaded.errors.length === 0))
          io.stdout(serializePlan(loaded.plan, options.format));
        return loaded.errors.length === 0 ? EXIT.OK : EXIT.INVALID;
      });
    });

  plan
    .command('validate')
    .description('Validate a plan (Markdown, YAML or JSON); exit 0 when valid')
    .argument('<file>', 'plan document')
    .option(
      '--catalogue <file>',
      'metric catalogue (YAML/JSON, as METRIC_CATALOGUE): also list metrics it does not map and unit mismatches',
    )
    .action((file: string, options: { catalogue?: string }) => {
      const catalogue = options.catalogue ? readCatalogueFile(options.catalogue) : undefined;
      code = withFile(file, io, (loaded) => {
        if (loaded.errors.length > 0) {
          io.stderr(formatErrors(file, loaded.errors));
          return EXIT.INVALID;
        }
        const phases = loaded.plan?.phases.length ?? 0;
        if (catalogue && loaded.plan) {
          const problems = catalogueReport(file, loaded.plan, catalogue);
          if (problems) {
            io.stderr(problems);
            return EXIT.INVALID;
          }
        }
        io.stdout(`${file}: valid plan "${loaded.plan?.metadata.name}" with ${phases} phase(s)\n`);
        return EXIT.OK;
      });
    });

  plan
    .command('explain')
    .description('Summarise a plan: phases, gates, guardrails, rollback levels, reviews')
    .argument('<file>', 'plan document')
    .action((file: string) => {
      code = withFile(file, io, (loaded) => {
        if (!loaded.plan || loaded.errors.length > 0) {
          io.stderr(formatErrors(file, loaded.errors));
          return EXIT.INVALID;
        }
        io.stdout(explainPlan(loaded.plan));
        return EXIT.OK;
      });
    });

  const simulateDeps = {
    loadPlan: (file: string) => {
      let loaded: { plan?: RolloutPlan; code: number } = { code: EXIT.OK };
      const exit = withFile(file, io, (plan) => {
        if (!plan.plan || plan.errors.length > 0) {
          io.stderr(formatErrors(file, plan.errors));
          return EXIT.INVALID;
        }
        loaded = { plan: plan.plan, code: EXIT.OK };
        return EXIT.OK;
      });
      return exit === EXIT.OK ? loaded : { code: exit };
    },
    setCode: (c: number) => (code = c),
  };
  registerSimulate(program, io, simulateDeps);
  registerRehearse(program, io, simulateDeps);
  registerAuditCommands(program, io, (c) => (code = c));
  registerTokenCommands(program, io, (c) => (code = c));

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.DEBUG_CLI) io.stderr(`${(error as Error).stack}\n`);
    return EXIT.USAGE;
  }
  return code;
}

function withFile(path: string, io: CliIo, run: (loaded: ReturnType<typeof loadPlan>) => number): number {
  const file = readPlanFile(path);
  if (!file.ok) {
    io.stderr(`error: ${file.message}\n`);
    return EXIT.USAGE;
  }
  return run(loadPlan(file, path));
}

function formatErrors(file: string, errors: readonly PlanError[]): string {
  return `${file}: ${errors.length} error(s)\n${errors.map((e) => `  ${describeError(e)}\n`).join('')}`;
}

function formatReport(file: string, report: ImportReport): string {
  const out = [
    `${file}: ${report.mapped.length} line(s) understood, ${report.unmapped.length} not understood`,
  ];
  for (const line of report.unmapped)
    out.push(
      `  not understood, line ${line.line}: ${line.text}${line.keptAs ? ` (kept as ${line.keptAs})` : ''}`,
    );
  for (const note of report.notes) out.push(`  note, line ${note.line}: ${note.message}`);
  if (report.errors.length > 0) out.push(formatErrors(file, report.errors).trimEnd());
  return `${out.join('\n')}\n`;
}

if (require.main === module) {
  // Exit as soon as the command has answered: a connection or timer some library left open must not keep
  // the process alive after its work (and its child processes) are done.
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
