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
