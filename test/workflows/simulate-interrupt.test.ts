import { join } from 'node:path';
import { childProcesses, descendantPids, exited, isAlive, spawnTs, temporalTools, until } from '../support';

// `simulate` as a process of its own, as a caller's `timeout` or Ctrl-C meets it: it stops its worker and its
// time-skipping test server before it exits, so nothing it started is left running.

jest.setTimeout(180_000);

const MERCHANT = join(__dirname, '../../examples/merchant-platform.md');
const CLI = join(__dirname, '../support/cli-main.ts');

beforeAll(() => {
  process.env.TEMPORAL_TEST_SERVER_PATH = temporalTools().testServer;
});

/** The CLI running `args`, with what it printed so far. */
function startCli(...args: string[]) {
  const child = spawnTs(CLI, args);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const code = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { child, output, code };
}

/** The pids of the CLI's test server (a child process running the test server binary). */
const testServers = (pid: number) =>
  childProcesses(pid)
    .filter((c) => c.command.includes('temporal-test-server'))
    .map((c) => c.pid);

test('simulate stopped by SIGTERM stops its test server and worker, says what it waited for, exits 143', async () => {
  const cli = startCli('simulate', MERCHANT);
  await until('simulate prints its first progress line', () => cli.output.stderr.includes('simulate: '));
  // Its test server is up (the simulation is under way): that is what must not outlive it.
  const servers = await until('simulate starts its test server', () => {
    const found = testServers(cli.child.pid!);
    return found.length ? found : undefined;
  });
  const family = descendantPids(cli.child.pid!);
  cli.child.kill('SIGTERM');
  const code = await cli.code;
  await exited(cli.child);

  expect(code).toBe(143);
  expect(cli.output.stderr).toMatch(/simulate: error: interrupted \(SIGTERM\) while waiting for .+/);
  expect(servers.length).toBeGreaterThan(0);
  await until('every process simulate started is gone', () => family.every((pid) => !isAlive(pid)), 30_000);
});

test('simulate gives up after --timeout of real time, naming what it waited for, and leaves nothing running', async () => {
  const cli = startCli('simulate', MERCHANT, '--timeout', '0.5');
  let family: number[] = [];
  const watching = setInterval(() => {
    if (cli.child.exitCode === null) family = [...new Set([...family, ...descendantPids(cli.child.pid!)])];
  }, 50);
  const code = await cli.code;
  clearInterval(watching);

  expect(code).toBe(1);
  expect(cli.output.stderr).toMatch(/simulate: error: gave up after 0\.5 s of real time, waiting for .+/);
  expect(cli.output.stdout).toBe('');
  await until('every process simulate started is gone', () => family.every((pid) => !isAlive(pid)), 30_000);
});
