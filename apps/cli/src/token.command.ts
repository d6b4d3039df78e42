import type { Command } from 'commander';
import {
  DEFAULT_TOKEN_TTL,
  loadAuthConfig,
  parseRoles,
  parseTtl,
  resolveJwtSecret,
  signToken,
} from '../../../libs/auth/src';

/** Where the command writes and the environment it reads configuration from (AUTH_JWT_SECRET, DATA_DIR). */
export interface TokenIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

interface CreateOptions {
  user: string;
  roles: string;
  ttl: string;
}

/** `token create --user NAME --roles a,b [--ttl 12h]`: prints a signed token and nothing else. */
export function registerTokenCommands(program: Command, io: TokenIo, setCode: (code: number) => void): void {
  const token = program.command('token').description('Issue API tokens');
  token
    .command('create')
    .description(
      'Print an HS256 token for a user and roles, signed with AUTH_JWT_SECRET (or <DATA_DIR>/jwt-secret)',
    )
    .requiredOption('--user <name>', 'who the token speaks for (the actor in the audit log)')
    .requiredOption(
      '--roles <roles>',
      'comma-separated roles: admin, release-manager, operator, viewer, or a plan’s own (finance, ops …)',
    )
    .option('--ttl <duration>', 'lifetime: 90s, 30m, 12h, 7d …', DEFAULT_TOKEN_TTL)
    .action(async (options: CreateOptions) => setCode(await createToken(options, io)));
}

async function createToken(options: CreateOptions, io: TokenIo): Promise<number> {
  let user: string, roles: string[], ttlSeconds: number;
  try {
    user = options.user.trim();
    if (!user) throw new Error('--user must not be empty');
    roles = parseRoles(options.roles);
    ttlSeconds = parseTtl(options.ttl);
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return 2;
  }
  const secret = resolveJwtSecret(loadAuthConfig(io.env ?? process.env));
  io.stdout(`${await signToken(secret, { user, roles }, { ttlSeconds })}\n`);
  return 0;
}
