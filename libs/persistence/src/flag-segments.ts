/** Everyone's segment of the flag store; an environment's own segment overrides it key by key. */
export const ALL_SEGMENTS = '*';
