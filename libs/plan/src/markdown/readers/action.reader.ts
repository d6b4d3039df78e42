import type { StepAction } from '../../plan.schema';
import { readFlagStates } from './flag.reader';

/** Reads what a rollback step does from its wording, and the channel a message goes out on. */

type ActionType = StepAction['type'];

/** The leading verb decides first ("Notify merchants of data restoration" notifies); keywords are the fallback. */
const VERBS: [RegExp, ActionType][] = [
  [/^(?:replay|reprocess|requeue|redrive|drain)\b/i, 'replay-dlq'],
  [/^(?:restore|recover)\b/i, 'restore-backup'],
  [/^(?:revert|roll\s*back|rollback|redeploy|downgrade)\b/i, 'revert-deployment'],
  [
    /^(?:notify|inform|announce|email|message|post|alert|page|tell|communicate|update\s+the\s+status)\b/i,
    'notify',
  ],
  [/^(?:update|publish|put\s+up|show)\b.*\b(?:status\s*page|banner)\b/i, 'notify'],
  [/^(?:call|trigger|invoke|fire)\b.*\b(?:webhook|endpoint|hook|url)\b/i, 'webhook'],
];
const KEYWORDS: [RegExp, ActionType][] = [
  [/\b(?:dlq|dead[- ]letter|replay)\b/i, 'replay-dlq'],
  [/\b(?:backup|snapshot)\b/i, 'restore-backup'],
  [
    /\b(?:previous|prior|last\s+known[- ]good)\s+(?:version|release|deployment|build)\b|\brevert\b/i,
    'revert-deployment',
  ],
  [/\b(?:webhook|endpoint)\b/i, 'webhook'],
  // Verbs only: a "status page" or "pricing page" named in a step is where it acts, not a message.
  [/\b(?:notify|announce|email|tell)\b|\blet\s+.+?\s+know\b/i, 'notify'],
];

export function readStepAction(text: string): StepAction {
  const flags = readFlagStates(text).states;
  if (flags.length > 0)
    return { type: 'set-flags', flags: Object.fromEntries(flags.map((s) => [s.key, s.value])) };
  const plain = text.replace(/[`*_]/g, '').trim();
  const type =
    VERBS.find(([pattern]) => pattern.test(plain))?.[1] ?? KEYWORDS.find(([p]) => p.test(plain))?.[1];
  if (type === 'notify') {
    const channel = readChannel(plain);
    const audience = /^\w+\s+(?:the\s+)?(.+?)(?:\s+(?:via|by|through|on|of|about|that|in)\b|$)/i.exec(
      plain,
    )?.[1];
    const named = audience && !/^(?:in|on|at|to|via)\b/i.test(audience) ? audience : undefined;
    return { type, ...(named ? { audience: named } : {}), ...(channel ? { channel } : {}) };
  }
  return { type: type ?? 'manual' } as StepAction;
}

const CHANNELS: [RegExp, string][] = [
  [/\bwhats\s*app\b/i, 'whatsapp'],
  [/\bslack\b/i, 'slack'],
  [/\bteams\b/i, 'teams'],
  [/\be-?mails?\b|\bmailing\s+list\b|\bnewsletter\b/i, 'email'],
  [/\bsms\b|\btext\s+message/i, 'sms'],
  [/\bin-app\b|\bbanner\b|\bhelp\s+center\b/i, 'in-app'],
  [/\bstatus\s*page\b/i, 'status-page'],
  [/\bpress\b/i, 'press'],
  [/\bsocial\s+media\b|\btwitter\b|\blinkedin\b/i, 'social'],
  [/\bblog\b/i, 'blog'],
  [/\bcalls?\b|\bphone\b|\bmeeting\b|\bwebinar\b|\bcheck-ins?\b/i, 'meeting'],
  [/\bchat\b/i, 'chat'],
  [/\bform\b|\bsurvey\b/i, 'form'],
];

export function readChannel(text: string): string | undefined {
  return CHANNELS.find(([pattern]) => pattern.test(text))?.[1];
}

/** What a breach makes happen, read from the line's verbs ("page the on-call"), never its nouns ("pricing page"). */
export type BreachAction = { type: 'pause' } | { type: 'notify'; channel?: string } | { type: 'rollback' };

const PAUSES =
  /\b(?:pause[sd]?|pausing|halt(?:s|ed)?|freeze|freezes|frozen|put\s+on\s+hold|on\s+hold|stop\s+(?:widening|expanding|the\s+ramp))\b|\bholds?(?:\s+(?:at|the|there|rollout|traffic|exposure)\b|\s*(?:$|[.;,)]))/i;
/** "page" is a verb at the start of a clause or before whom it wakes: "page the on-call", "→ page SRE". */
const NOTIFIES =
  /\b(?:notify|escalate|warn|alert\s+(?:the\s+)?on-?call)\b|(?:^|[,;:(→>]|\band\b|\bthen\b|\bwe\b)\s*page\b|\bpage\s+(?:the\s+|our\s+)?(?:on-?call|oncall|sre|ops|owner|team|@)/i;
const ROLLS_BACK = /\b(?:roll\s*back|rollback|revert)\b|(?:→|->)\s*(?:level|tier|l)\s*\d/i;

export function readBreachAction(text: string): BreachAction {
  if (PAUSES.test(text)) return { type: 'pause' };
  if (NOTIFIES.test(text) && !ROLLS_BACK.test(text)) {
    const channel = readChannel(text);
    return { type: 'notify', ...(channel ? { channel } : {}) };
  }
  return { type: 'rollback' };
}

/** The rollback level a line names by number: "→ Level 2", "roll back to level 2", "L3", "tier 2". */
export function readLevelNumber(text: string): number | undefined {
  const match = /\b(?:level|tier)\s*#?\s*(\d+)\b|\bL(\d)\b/i.exec(text);
  return match ? Number(match[1] ?? match[2]) : undefined;
}
