import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { temporalTools } from './temporal-tools';

const run = promisify(execFile);

/** A workflow as `temporal workflow list` / `describe` show it. */
export interface CliWorkflow {
  workflowId: string;
  runId: string;
  /** The word the CLI's table prints: Running, Completed, Failed, Canceled, Terminated, TimedOut … */
  status: string;
  /** Keyword search attributes, decoded (`RolloutStatus` …). */
  searchAttributes: Record<string, unknown>;
  closeTime?: string;
}

/** A row of `temporal workflow list`'s own table, as a person reads it. */
export interface CliTableRow {
  status: string;
  workflowId: string;
  type: string;
}

interface RawExecution {
  execution: { workflowId: string; runId: string };
  status: string;
  closeTime?: string;
  searchAttributes?: { indexedFields?: Record<string, { data?: string }> };
}

/** `WORKFLOW_EXECUTION_STATUS_TIMED_OUT` → `TimedOut`, as the CLI's table prints it. */
const statusWord = (status: string): string =>
  status
    .replace(/^WORKFLOW_EXECUTION_STATUS_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __: string, c: string) => c.toUpperCase());

const decode = (raw: RawExecution): CliWorkflow => ({
  workflowId: raw.execution.workflowId,
  runId: raw.execution.runId,
  status: statusWord(raw.status),
  closeTime: raw.closeTime,
  searchAttributes: Object.fromEntries(
    Object.entries(raw.searchAttributes?.indexedFields ?? {}).map(([k, v]) => [
      k,
      v.data === undefined
        ? undefined
        : (JSON.parse(Buffer.from(v.data, 'base64').toString('utf8')) as unknown),
    ]),
  ),
});

/**
 * The real `temporal` CLI (the pinned binary) against a server at `address`: what an operator types, with its
 * own output parsed. Each command fails with the CLI's own words when it fails.
 */
export function temporalCli(address: string, namespace = 'default') {
  const cli = async (...args: string[]): Promise<string> => {
    try {
      const { stdout } = await run(
        temporalTools().cli,
        [...args, '--address', address, '--namespace', namespace],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      return stdout;
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      throw new Error(`temporal ${args.join(' ')}: ${e.stderr || e.stdout || e.message}`);
    }
  };
  return {
    cli,
    /** `temporal workflow list --query … -o json`. */
    async list(query: string): Promise<CliWorkflow[]> {
      const out = await cli('workflow', 'list', '--query', query, '--output', 'json');
      return out.trim() ? (JSON.parse(out) as RawExecution[]).map(decode) : [];
    },
    /** `temporal workflow list --query …` as its table prints it (the Status column a person reads). */
    async table(query: string): Promise<CliTableRow[]> {
      const lines = (await cli('workflow', 'list', '--query', query)).split('\n').filter((l) => l.trim());
      return lines.slice(1).map((line) => {
        const [status, workflowId, type] = line.trim().split(/\s+/);
        return { status, workflowId, type };
      });
    },
    /** `temporal workflow describe --workflow-id … -o json` (the latest run). */
    async describe(workflowId: string): Promise<CliWorkflow> {
      const out = await cli('workflow', 'describe', '--workflow-id', workflowId, '--output', 'json');
      return decode((JSON.parse(out) as { workflowExecutionInfo: RawExecution }).workflowExecutionInfo);
    },
    /** `temporal workflow cancel --workflow-id …` (what the Web UI's "Request Cancellation" does). */
    cancel: (workflowId: string) => cli('workflow', 'cancel', '--workflow-id', workflowId),
    /** `temporal workflow terminate --workflow-id … --reason …`. */
    terminate: (workflowId: string, reason: string) =>
      cli('workflow', 'terminate', '--workflow-id', workflowId, '--reason', reason),
  };
}

export type TemporalCli = ReturnType<typeof temporalCli>;
