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
const INSIDE_CODE = new RegExp(String.raw`\`(${KEY})\s*(?:[:=]|->|→)\s*([^\`]+)\``, 'g');
const CODE_THEN_VALUE = new RegExp(
  String.raw`\`(${KEY})\`\s*(?:[:=]|->|→|to|is)?\s*\(?(${VALUE})\)?(?![\w])`,
  'gi',
);
const VERB_THEN_CODES = new RegExp(
  String.raw`\b(enable|disable|turn\s+on|turn\s+off|switch\s+on|switch\s+off|activate|deactivate|flip\s+on|flip\s+off)\s+((?:(?:the\s+)?(?:flags?\s+)?\`${KEY}\`(?:\s*(?:,|and|&)\s*)?)+)`,
  'gi',
);
const BARE = new RegExp(
  String.raw`^\s*([A-Za-z][a-z0-9]*(?:[_.-][A-Za-z0-9]+)+)\s*(?:[:=]|->|→)\s*(${VALUE})(?![\w])`,
  'i',
);

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
  const take = (pattern: RegExp, read: (match: RegExpExecArray) => void) => {
    remainder = remainder.replace(pattern, (...args: unknown[]) => {
      read(args.slice(0, -2) as unknown as RegExpExecArray);
      return ' ';
    });
  };
  take(INSIDE_CODE, (m) => states.set(m[1], parseFlagValue(m[2])));
  take(CODE_THEN_VALUE, (m) => states.set(m[1], parseFlagValue(m[2])));
  take(VERB_THEN_CODES, (m) => {
    const on = !/^(disable|deactivate)|off$/i.test(m[1].replace(/\s+/g, ' '));
    for (const code of m[2].matchAll(new RegExp(`\`(${KEY})\``, 'g'))) states.set(code[1], on);
  });
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
