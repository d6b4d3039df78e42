/** Ids of rollouts, phases and items: safe in workflow IDs, URLs and search attributes. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const ID_MESSAGE =
  '$property must be lowercase letters, digits and dashes (at most 63, starting with a letter or digit)';
