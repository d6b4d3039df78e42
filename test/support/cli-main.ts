// The CLI's entry as `node dist/apps/cli/src/main.js` runs it, for suites that start the CLI as a process of
// its own without a build (see ts-child.ts): arguments after the file name, exit once the command answered.
import { main } from '../../apps/cli/src/main';

void main(process.argv.slice(2)).then((code) => process.exit(code));
