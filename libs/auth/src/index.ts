// Tokens for people and automation: HS256 JWTs naming a user and their roles. Plain functions, no Nest:
// the API's guard, the CLI and tests use the same ones.
export { loadApiKeys, matchApiKey, MIN_API_KEY_LENGTH, type ApiKey } from './api-keys';
export { loadAuthConfig, resolveJwtSecret, type AuthConfig } from './auth.config';
export { nameKey, roleKeys, sameName } from './names';
export { isRoleName, parseRoles, PRODUCT_ROLES, unknownRoles, type ProductRole } from './roles';
export {
  DEFAULT_TOKEN_TTL,
  parseTtl,
  signToken,
  TOKEN_ISSUER,
  TokenError,
  verifyToken,
  type TokenClaims,
} from './tokens';
