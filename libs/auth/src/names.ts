// How role and user names compare, everywhere: the token CLI, the API's guard and the workflows' validators.
// Workflow-safe: no imports at all (workflow code imports this file directly, never libs/auth's index).

/**
 * The one key two role or user names are compared by: trimmed, lower-cased (locale-independent), and every run
 * of spaces, tabs or underscores inside made one hyphen. So `Viewer`, ` viewer ` are `viewer`;
 * `Project lead`, `project_lead` and `project-lead` are one role; `Otto` and `otto` are one person.
 * Unicode look-alikes are not folded (`ｏｔｔｏ` stays itself): names are what people type.
 */
export function nameKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

/** Whether two role or user names are the same by `nameKey`. */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && nameKey(a) === nameKey(b);
}

/** Role names as a token carries them: each by its key, duplicates dropped, order kept. */
export function roleKeys(roles: readonly string[]): string[] {
  return [...new Set(roles.map(nameKey))];
}
