import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, main } from './main';

// `rollout plan validate <plan> --catalogue <file>`, through the CLI's entry point.

const plan = join(__dirname, '../../../examples/merchant-platform.plan.yaml');
const dir = mkdtempSync(join(tmpdir(), 'plan-catalogue-'));
const file = (name: string, lines: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
};

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

// The merchant plan's guardrails: error_rate > 5%, payment_success_rate < 95%, queue_backlog > 1000.
const entries = {
  error_rate: [
    '  error_rate:',
    '    query: sum(rate(x_errors[5m])) / sum(rate(x_total[5m]))',
    '    unit: ratio',
  ],
  payment: ['  payment_success_rate:', '    query: payment_success_ratio', '    unit: ratio'],
  paymentSeconds: ['  payment_success_rate:', '    query: payment_latency_seconds', '    unit: s'],
  backlog: ['  queue_backlog:', '    query: max(queue_depth)', '    unit: count'],
};

describe('plan validate --catalogue', () => {
  test('every guardrail metric mapped in a compatible unit: valid (a ratio against "> 5%" converts)', async () => {
    const catalogue = file('ok.yaml', [
      'metrics:',
      ...entries.error_rate,
      ...entries.payment,
      ...entries.backlog,
    ]);
    const { code, stdout, stderr } = await run('plan', 'validate', plan, '--catalogue', catalogue);
    expect({ code, stderr }).toEqual({ code: EXIT.OK, stderr: '' });
    expect(stdout).toContain('valid plan "production"');
  });

  test('lists unmapped metrics and unit mismatches, naming both units; exit 1 like an invalid plan', async () => {
    const catalogue = file('gaps.yaml', ['metrics:', ...entries.error_rate, ...entries.paymentSeconds]);
    const { code, stdout, stderr } = await run('plan', 'validate', plan, '--catalogue', catalogue);
    expect(code).toBe(EXIT.INVALID);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        `${plan}: 1 metric(s) without a catalogue entry, 1 unit mismatch(es) (catalogue ${catalogue})`,
        `  unmapped: metric queue_backlog (guardrail queue-backlog) has no entry in the metric catalogue ${catalogue}`,
        '  unit mismatch: guardrail payment-success: metric payment_success_rate is in "s" but the threshold is in "%"; they cannot be compared',
        '',
      ].join('\n'),
    );
  });

  test('an invalid catalogue is a usage error naming the file and the entry', async () => {
    const catalogue = file('bad.yaml', ['metrics:', '  error_rate:', '    unit: ratio']);
    const { code, stderr } = await run('plan', 'validate', plan, '--catalogue', catalogue);
    expect(code).toBe(EXIT.USAGE);
    expect(stderr).toContain(
      `Invalid metric catalogue ${catalogue} (METRIC_CATALOGUE): entry "error_rate": query:`,
    );
  });

  test('without --catalogue nothing changes', async () => {
    expect((await run('plan', 'validate', plan)).code).toBe(EXIT.OK);
  });
});
