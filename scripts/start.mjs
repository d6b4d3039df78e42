// `npm start`: installs what is missing, then runs the Temporal dev server (unless TEMPORAL_ADDRESS points
// elsewhere), the worker and the GraphQL API, and stops them all on Ctrl-C.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { build } from './lib/build.mjs';
import { buildWeb } from './lib/web.mjs';
import { ensureDeps } from './lib/deps.mjs';
import { startDevServer } from './lib/dev-server.mjs';
import { bold, fail, say } from './lib/log.mjs';
import { dataDir, root } from './lib/paths.mjs';
import { pickPort } from './lib/ports.mjs';
import { httpOk, startProcess, stopProcess, waitFor } from './lib/processes.mjs';
import { ensureCli } from './temporal-tools.mjs';

const children = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  // Worker first (drains tasks), then the API, then the server they both talk to.
  for (const child of [...children].reverse()) {
    // The dev server's own workers complain while it shuts down; that is noise, not news.
    child.muted = child.label === 'temporal';
    await stopProcess(child);
  }
  say('all stopped');
  process.exit(code);
}

async function main() {
  ensureDeps();
  build();
  buildWeb();
  mkdirSync(dataDir, { recursive: true });
  const env = { DATA_DIR: dataDir };

  let uiUrl = process.env.TEMPORAL_UI_URL;
  if (process.env.TEMPORAL_ADDRESS) {
    say(`using the Temporal server at ${process.env.TEMPORAL_ADDRESS} (no local server started)`);
  } else {
    const cli = ensureCli();
    const port = await pickPort(Number(process.env.TEMPORAL_PORT ?? 7233));
    const uiPort = await pickPort(Number(process.env.TEMPORAL_UI_PORT ?? 8233));
    say(`starting the Temporal dev server on 127.0.0.1:${port} (Web UI on :${uiPort})…`);
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    children.push(
      await startDevServer({ cli, port, uiPort, namespace, dbFile: join(dataDir, 'temporal.db') }),
    );
    env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
    uiUrl = `http://localhost:${uiPort}`;
  }
  if (uiUrl) env.TEMPORAL_UI_URL = uiUrl;

  const host = process.env.HOST ?? '127.0.0.1';
  const apiPort = await pickPort(Number(process.env.PORT ?? 3000), host);
  env.PORT = String(apiPort);
  // The console's one-time local admin sign-in link; none when the operator sets AUTH_JWT_SECRET (tokens then
  // come from whoever holds that secret).
  const signInCode = process.env.AUTH_JWT_SECRET ? undefined : randomBytes(24).toString('base64url');
  if (signInCode) env.CONSOLE_SIGNIN_CODE = signInCode;
  say('starting the API…');
  const api = startProcess('api', process.execPath, ['--enable-source-maps', 'dist/apps/api/src/main.js'], {
    cwd: root,
    env,
  });
  children.push(api);
  const apiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${apiPort}`;
  await waitFor(httpOk(`${apiUrl}/healthz`), { what: 'API', child: api });

  // Chat notices link to the console page where the action is (docs/chat.md).
  if (!process.env.CONSOLE_URL) env.CONSOLE_URL = apiUrl.replace('127.0.0.1', 'localhost');
  // After the API: it has run the migrations the worker's activities rely on. Its /metrics on a port of its own.
  // On the loopback interface unless WORKER_METRICS_HOST says otherwise (HOST opens only the API).
  const workerMetricsHost = process.env.WORKER_METRICS_HOST ?? '127.0.0.1';
  const workerMetricsPort = await pickPort(
    Number(process.env.WORKER_METRICS_PORT ?? 9464),
    workerMetricsHost,
  );
  say('starting the worker…');
  children.push(
    startProcess('worker', process.execPath, ['--enable-source-maps', 'dist/apps/worker/src/main.js'], {
      cwd: root,
      env: { ...env, WORKER_METRICS_PORT: String(workerMetricsPort), WORKER_METRICS_HOST: workerMetricsHost },
    }),
  );

  for (const child of children) {
    void child.exited.then(({ code, signal }) => {
      if (stopping) return;
      fail(`${child.label} exited unexpectedly (${code ?? signal}); stopping the rest`);
      void stopAll(1);
    });
  }

  const publicUrl = apiUrl.replace('127.0.0.1', 'localhost');
  process.stdout.write(
    [
      '',
      bold('Rollout engine is up'),
      `  Console         ${publicUrl}/`,
      signInCode
        ? `  Sign in         ${publicUrl}/signin#code=${signInCode}  (one-time link, local admin)`
        : '  Sign in         with a bearer token (AUTH_JWT_SECRET is set: no local sign-in link)',
      `  GraphQL API     ${publicUrl}/graphql  (a browser gets the GraphQL IDE)`,
      `  Metrics         ${publicUrl}/metrics (API), http://${workerMetricsHost.replace('127.0.0.1', 'localhost')}:${workerMetricsPort}/metrics (worker)`,
      `  Temporal Web UI ${uiUrl ?? '(see your Temporal deployment)'}`,
      `  Temporal gRPC   ${env.TEMPORAL_ADDRESS ?? process.env.TEMPORAL_ADDRESS}`,
      `  Data            ${dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n') + '\n',
  );
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stopAll(0));
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

main().catch(async (err) => {
  fail(err.message);
  await stopAll(1);
});
