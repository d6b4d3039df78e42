export { parseEnv } from './env';
