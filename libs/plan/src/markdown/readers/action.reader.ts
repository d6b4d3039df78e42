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
  [/\b(?:notify|banner|announce|email|status\s+page)\b/i, 'notify'],
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
