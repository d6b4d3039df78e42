import type { FlagValue } from '../../plan.schema';

/** Reads flag states as plans write them: "`kwik_integration: true`", "enable `x`", "`x` off", "x_y = on". */

export interface FlagState {
  key: string;
  value: FlagValue;
}

export interface FlagStates {
  states: FlagState[];
  /** Text around the states ("(if ready)"), kept so the import report can mention it. */
  remainder: string;
}

const KEY = String.raw`[A-Za-z][\w.-]*`;
const VALUE = String.raw`true|false|on|off|enabled?|disabled?|yes|no|\d+(?:\.\d+)?%?`;
/** A flag named in prose: in code, or a bare snake_case or dotted key ("new_checkout", "pay.v2"). */
const KEY_REF = String.raw`\`(${KEY})\`|\b([a-z][a-z0-9]*(?:[_.][a-z0-9]+)+)\b`;
/** A state as prose ends it: "on", "off", "enabled", "live", "dark", "100%", "at 10%", "to true". */
const STATE = String.raw`(?:(?:to|at)\s+)?(true|false|on|off|enabled|disabled|live|dark|\d+(?:\.\d+)?\s*%)`;
/** Verbs that set a flag, in any tense: "turn", "switched", "kept", "flipping", "set". */
const SETTING = String.raw`(?:turn(?:s|ed|ing)?|switch(?:es|ed|ing)?|flip(?:s|ped|ping)?|toggle[sd]?|toggling|set(?:s|ting)?|keep(?:s|ing)?|kept|leave[s]?|leaving|left|put(?:s|ting)?|ramp(?:s|ed|ing)?|dial(?:s|led|ling)?|bump(?:s|ed|ing)?|move[sd]?|moving|raise[sd]?|raising|roll(?:s|ed|ing)?)`;
/** Linking words between a key and its state: "is switched on", "stays off", "will be set to 50%". */
const LINK = String.raw`(?:(?:is|are|was|were|will\s+be|gets?|got|goes|go(?:ing)?|stays?|remains?|becomes?|should\s+be|must\s+be|has\s+been|being|be)\s+)?(?:(not|never)\s+)?(?:(?:${SETTING})\s+)?(?:back\s+)?`;
const INSIDE_CODE = new RegExp(String.raw`\`(${KEY})\s*(?:[:=]|->|→)\s*([^\`]+)\``, 'g');
const CODE_THEN_VALUE = new RegExp(
  String.raw`\`(${KEY})\`\s*(?:[:=—–]|->|→|-|to|is)?\s*\(?(${VALUE})\)?(?![\w])`,
  'gi',
);
const VERB_THEN_CODES = new RegExp(
  String.raw`\b(enable|disable|turn\s+on|turn\s+off|switch\s+on|switch\s+off|activate|deactivate|flip\s+on|flip\s+off)\s+((?:(?:the\s+)?(?:flags?\s+)?\`${KEY}\`(?:\s*(?:,|and|&)\s*)?)+)`,
  'gi',
);
/** "`x` is switched on", "new_checkout stays off", "`x` will be set to 50%". */
const KEY_THEN_STATE = new RegExp(String.raw`(?:${KEY_REF})(?:\s+flag)?\s+${LINK}${STATE}(?![\w%])`, 'gi');
/** "we turn `x` on", "keep `x` off", "set `x` to 25%", "enables new_checkout", "switched `x` back off". */
const VERB_KEY_STATE = new RegExp(
  String.raw`\b${SETTING}\s+(?:the\s+)?(?:${KEY_REF})(?:\s+flag)?\s+(?:back\s+)?${STATE}(?![\w%])`,
  'gi',
);
const ENABLING = new RegExp(
  String.raw`\b(enabl(?:e|es|ed|ing)|disabl(?:e|es|ed|ing)|activat(?:e|es|ed|ing)|deactivat(?:e|es|ed|ing))\s+(?:the\s+)?(?:${KEY_REF})`,
  'gi',
);
const BARE = new RegExp(
  String.raw`^\s*([A-Za-z][a-z0-9]*(?:[_.-][A-Za-z0-9]+)+)\s*(?:[:=]|->|→)\s*(${VALUE})(?![\w])`,
  'i',
);

/** A state word as a flag value; "not on" is off. */
function stateValue(raw: string, negated: boolean): FlagValue {
  const word = raw.replace(/\s+/g, '').toLowerCase();
  const value = word === 'live' ? true : word === 'dark' ? false : parseFlagValue(word);
  return negated && typeof value === 'boolean' ? !value : value;
}

export function parseFlagValue(raw: string): FlagValue {
  const text = raw.trim().toLowerCase();
  if (['true', 'on', 'enabled', 'enable', 'yes'].includes(text)) return true;
  if (['false', 'off', 'disabled', 'disable', 'no'].includes(text)) return false;
  const number = Number(text.replace(/%$/, ''));
  return text !== '' && Number.isFinite(number) ? number : raw.trim();
}

export function readFlagStates(text: string): FlagStates {
  const states = new Map<string, FlagValue>();
  let remainder = text;
  /** Takes what `pattern` finds out of the remainder; `read` returns false to leave a match alone. */
  const take = (pattern: RegExp, read: (match: RegExpExecArray) => boolean | void) => {
    remainder = remainder.replace(pattern, (...args: unknown[]) =>
      read(args.slice(0, -2) as unknown as RegExpExecArray) === false ? (args[0] as string) : ' ',
    );
  };
  /** A bare key (no backticks) only with a plain on/off word: "error_rate at 5%" is a metric, not a flag. */
  const bareOk = (bare: string | undefined, state: string) => bare === undefined || !/\d/.test(state);
  take(INSIDE_CODE, (m) => void states.set(m[1], parseFlagValue(m[2])));
  take(CODE_THEN_VALUE, (m) => void states.set(m[1], parseFlagValue(m[2])));
  take(VERB_THEN_CODES, (m) => {
    const on = !/^(disable|deactivate)|off$/i.test(m[1].replace(/\s+/g, ' '));
    for (const code of m[2].matchAll(new RegExp(`\`(${KEY})\``, 'g'))) states.set(code[1], on);
  });
  take(KEY_THEN_STATE, (m) => {
    if (!bareOk(m[2], m[4])) return false;
    states.set(m[1] ?? m[2], stateValue(m[4], m[3] !== undefined));
  });
  take(VERB_KEY_STATE, (m) => {
    if (!bareOk(m[2], m[3])) return false;
    states.set(m[1] ?? m[2], stateValue(m[3], false));
  });
  take(ENABLING, (m) => void states.set(m[2] ?? m[3], !/^(?:dis|deact)/i.test(m[1])));
  if (states.size === 0) {
    const bare = BARE.exec(text);
    if (bare) {
      states.set(bare[1], parseFlagValue(bare[2]));
      remainder = text.slice(bare.index + bare[0].length);
    }
  }
  return {
    states: [...states].map(([key, value]) => ({ key, value })),
    remainder: remainder.replace(/\s+/g, ' ').replace(/^[\s,;.]+|[\s,;.]+$/g, ''),
  };
}

/** A flag key named in a registry cell or item: "`kwik_integration`" or a bare snake/kebab/dotted key. */
export function readFlagKey(text: string): string | undefined {
  const code = new RegExp(`\`(${KEY})\``).exec(text);
  if (code) return code[1];
  const bare = /^\s*([A-Za-z][\w.-]*)\s*$/.exec(text);
  return bare ? bare[1] : undefined;
}

/**
 * A flag's default told in prose: "`x` is off by default", "`x` defaults to on", "`x` starts off", "the `x`
 * flag, which is off today", "`y` controls …; that one is on today". Each default goes to the nearest key
 * written before it in the same sentence.
 */
export function readFlagDefaults(text: string): FlagState[] {
  const found = new Map<string, FlagValue>();
  for (const sentence of text.split(/(?<=[.!?])\s+/)) {
    const keys = [...sentence.matchAll(new RegExp(`\`(${KEY})\``, 'g'))];
    for (const match of sentence.matchAll(DEFAULT_STATE)) {
      const key = keys.filter((k) => k.index < match.index).pop()?.[1];
      if (key && !found.has(key)) found.set(key, parseFlagValue(match[1] ?? match[2] ?? match[3]));
    }
  }
  return [...found].map(([key, value]) => ({ key, value }));
}

const DEFAULT_WORD = String.raw`(true|false|on|off|enabled|disabled)`;
const DEFAULT_STATE = new RegExp(
  [
    String.raw`\bdefaults?\s*(?:is|:|=|to|as)\s*\`?${DEFAULT_WORD}\b`,
    String.raw`\bstarts?\s+(?:out\s+)?(?:as\s+)?${DEFAULT_WORD}\b`,
    String.raw`\b(?:is|are|stays?|remains?)\s+(?:currently\s+)?${DEFAULT_WORD}\s+(?:by\s+default|today|currently|right\s+now|for\s+now|initially)\b`,
  ].join('|'),
  'gi',
);
