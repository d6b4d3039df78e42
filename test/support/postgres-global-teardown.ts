import { teardown } from './postgres-global';

/** Jest global teardown: stops the server `postgres-global.ts` started (or drops its databases). */
export default teardown;
