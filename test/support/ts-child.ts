import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

// Loads .ts files by transpiling each on its own, as ts-jest does here (isolatedModules), then runs the
// script named by the first argument.
const hook = `
const ts = require('typescript');
const { readFileSync } = require('node:fs');
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: false,
    },
  });
  module._compile(outputText, filename);
};
require(require('node:path').resolve(process.argv[1]));
`;

/** Runs a TypeScript file in a separate Node process (a second writer, a crash …), without a build. */
export function spawnTs(file: string, args: readonly string[] = []): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-e', hook, file, ...args], { stdio: 'pipe' });
}

/**
 * Starts one child per argument list (each a script that prints "ready", then waits for a line on stdin) and
 * lets them all go at once. Answers, per child, its stdout once it has exited 0; a child that exits otherwise
 * fails with what it printed.
 */
export async function spawnTogether(
  file: string,
  argLists: readonly (readonly string[])[],
): Promise<{ done: Promise<string[]> }> {
  const children = argLists.map((args) => {
    const child = spawnTs(file, args);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const name = `${file} ${args.join(' ')}`;
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => out.includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`${name} exited ${code} before ready:\n${err}`)));
    });
    const exited = new Promise<string>((resolve, reject) =>
      child.once('exit', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`${name} exited ${code}:\n${out}\n${err}`)),
      ),
    );
    return { child, ready, exited };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const { child } of children) child.stdin.write('go\n');
  return { done: Promise.all(children.map((c) => c.exited)) };
}
