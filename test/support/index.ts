// The test-support toolkit shared by the suites and bench/: waiting for conditions, free ports, child
// processes, fake HTTP receivers and Temporal helpers. Nothing here uses Jest's globals, so bench/ (built
// without them) imports it too; Jest-only helpers stay in their own modules (time-skipping.ts, stack.ts).
export * from './fake-adapters';
export * from './ports';
export * from './processes';
export * from './temporal';
export * from './temporal-tools';
export * from './wait';
export * from './webhook-receiver';
export * from './ts-child';
export * from './temporal-cli';
export * from './prometheus';
export * from './metrics-scrape';
export * from './otlp-receiver';
