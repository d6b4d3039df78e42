import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { importMarkdown } from '../../libs/plan/src';

/** Median and p95 Markdown import time of each example plan. Target: median under 20 ms. */
const TARGET_MS = 20;
const WARMUP = 20;
const RUNS = Number(process.env.RUNS ?? 300);
const examples = join(__dirname, '../../../examples');
const documents = ['merchant-platform.md', 'admin-panel.md'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

let slow = false;
for (const name of documents) {
  const text = readFileSync(join(examples, name), 'utf8');
  for (let i = 0; i < WARMUP; i++) importMarkdown(text);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    importMarkdown(text);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = percentile(times, 50);
  slow ||= median > TARGET_MS;
  console.log(
    `${name.padEnd(22)} median ${median.toFixed(2)} ms  p95 ${percentile(times, 95).toFixed(2)} ms  (${RUNS} runs)`,
  );
}
if (slow) {
  console.error(`median import time above the ${TARGET_MS} ms target`);
  process.exitCode = 1;
}
