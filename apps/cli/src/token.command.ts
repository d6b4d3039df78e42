import type { Command } from 'commander';
import {
  DEFAULT_TOKEN_TTL,
  loadAuthConfig,
  nameKey,
  parseRoles,
  parseTtl,
  PRODUCT_ROLES,
  resolveJwtSecret,
  signToken,
  unknownRoles,
} from '../../../libs/auth/src';
import { rolesNamedByPlans } from '../../../libs/persistence/src/plan-roles';
import { withDatabase } from './database';

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
      'comma-separated roles: admin, release-manager, operator, viewer, flag-reader (OFREP only), or one an imported plan names ' +
        '(finance, ops …; read from DATA_DIR / DATABASE_URL); compared by case, spaces and _ folded',
    )
    .option('--ttl <duration>', 'lifetime: 90s, 30m, 12h, 7d …', DEFAULT_TOKEN_TTL)
    .action(async (options: CreateOptions) => setCode(await createToken(options, io)));
}

/**
 * Signs a token for the user and roles, both by their key (`nameKey`: `Otto` is `otto`, `Release Manager` is
 * `release-manager`), so the token names them as the API and the workflows compare them. Refuses (exit 2,
 * listing them) roles neither the product nor any imported plan knows: a misspelt role would otherwise give
 * a token that can do nothing, silently. Only a role beyond the product's needs the database.
 */
async function createToken(options: CreateOptions, io: TokenIo): Promise<number> {
  let user: string, roles: string[], ttlSeconds: number;
  try {
    user = nameKey(options.user);
    if (!user) throw new Error('--user must not be empty');
    roles = parseRoles(options.roles);
    ttlSeconds = parseTtl(options.ttl);
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return 2;
  }
  if (unknownRoles(roles, []).length > 0) {
    const refused = await withDatabase(io, 'token create', async (orm) => {
      const planRoles = await rolesNamedByPlans(orm.em);
      const unknown = unknownRoles(roles, planRoles);
      if (unknown.length === 0) return 0;
      const known = [...new Set([...PRODUCT_ROLES, ...[...planRoles].map(nameKey)])];
      io.stderr(
        `error: unknown role${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}\n` +
          `  known roles: ${known.join(', ')} (the product's, and those the imported plans name)\n`,
      );
      return 2;
    });
    if (refused !== 0) return refused;
  }
  const secret = resolveJwtSecret(loadAuthConfig(io.env ?? process.env));
  io.stdout(`${await signToken(secret, { user, roles }, { ttlSeconds })}\n`);
  return 0;
}
