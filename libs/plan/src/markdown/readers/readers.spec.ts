import { readApproval } from './approval.reader';
import { normaliseRole } from './role.reader';
import { readAudienceLimits, startsWithCount } from './audience.reader';
import { readBreachAction, readChannel, readLevelNumber, readStepAction } from './action.reader';
import { readBound, readComparison, readCondition, readWindow } from './comparison.reader';
import { offsetOf, readDuration, readTimeLabel, spanOf } from './duration.reader';
import { parseFlagValue, readFlagDefaults, readFlagStates } from './flag.reader';
import { matchPhase } from './phase.matcher';
import { metricName, slugify, UniqueIds } from './text';
import { readDeadline, readRecurrence } from '../phase.mapper';

describe('duration reader', () => {
  it.each([
    ['48 hours', 'PT48H'],
    ['green for 24h before launch', 'PT24H'],
    ['Quick Rollback (< 5 min)', 'PT5M'],
    ['Data Rollback (< 1 hour)', 'PT1H'],
    ['retention (≥90 days)', 'P90D'],
    ['two weeks', 'P2W'],
    ['an hour', 'PT1H'],
    ['1.5 hours', 'PT90M'],
  ])('%s → %s', (text, iso) => expect(readDuration(text)?.iso).toBe(iso));

  it('reads ranges as min and max', () =>
    expect(readDuration('2-3 weeks')).toMatchObject({ iso: 'P2W', maxIso: 'P3W' }));
  it('ignores numbers without a time unit', () => {
    expect(readDuration('50 merchants')).toBeUndefined();
    expect(readDuration('Error rate (5xx)')).toBeUndefined();
    expect(readDuration('24/7 monitoring')).toBeUndefined();
  });

  it.each([
    ['Week 1', 'P1W', 'P1W'],
    ['Week 2-3', 'P2W', 'P2W'],
    ['Weeks 4–5', 'P2W', 'P4W'],
    ['Days 3-6', 'P4D', 'P3D'],
    ['Month 3', 'P1M', 'P3M'],
  ])('label %s spans %s and falls at %s', (text, span, offset) => {
    const label = readTimeLabel(text)!;
    expect(spanOf(label)).toBe(span);
    expect(offsetOf(label)).toBe(offset);
  });
  it('reads "Week 6+" as open-ended', () => {
    const label = readTimeLabel('General Availability (Week 6+)')!;
    expect(label.openEnded).toBe(true);
    expect(spanOf(label)).toBeUndefined();
  });
  it('rejects backwards ranges', () => expect(readTimeLabel('Week 5-2')).toBeUndefined());
});

describe('duration reader: tokens, not substrings', () => {
  it.each([
    ['hold for 5 consecutive days', 'P5D'],
    ['for two consecutive days', 'P2D'],
    ['in any 24-hour period', 'PT24H'],
    ['soak +1 week before widening', 'P1W'],
    ['72h at this stage', 'PT72H'],
    ['wait twenty-four hours', 'PT24H'],
    ['a full day of clean traffic', 'P1D'],
    ['seven incident-free days', 'P7D'],
  ])('%s → %s', (text, iso) => expect(readDuration(text)?.iso).toBe(iso));

  it('counts business days as days and says it is a guess', () => {
    const found = readDuration('allow 10 business days for the audit');
    expect(found?.iso).toBe('P10D');
    expect(found?.doubt).toMatch(/business/);
  });
  it.each([
    'Monitoring and alerting',
    'Design and build',
    'in any hour of the week',
    'a second reviewer checks the diff',
    'two teams own it',
    'p99 latency',
    'v2 days',
  ])('finds no amount of time in "%s"', (text) => expect(readDuration(text)).toBeUndefined());
  it('keeps the offsets of what it read', () => {
    const text = 'Canary for three straight days then widen';
    const found = readDuration(text)!;
    expect(text.slice(found.index, found.index + found.length)).toBe('three straight days');
  });
});

describe('window reader', () => {
  it.each([
    ['errors above 50 in any 24-hour period', 'PT24H', 'aggregate'],
    ['more than 3 pages in any hour', 'PT1H', 'aggregate'],
    ['refund rate > 2% for 2 consecutive hours', 'PT2H', 'sustained'],
    ['p95 over 900 ms for a full day', 'P1D', 'sustained'],
    ['duplicate charges above 30 per hour', 'PT1H', 'aggregate'],
    ['5xx > 1% / 5m', 'PT5M', 'aggregate'],
  ])('%s → %s %s', (text, iso, mode) => expect(readWindow(text)).toMatchObject({ iso, mode }));
  it('reads "and" as a word, not as a window', () =>
    expect(readWindow('Errors and timeouts')).toBeUndefined());
});

describe('deadline', () => {
  it.each([
    ['Capacity review approved by SRE within 2 days of phase start', 'P2D'],
    ['Relevance sign-off from Search Quality, due within 5 days', 'P5D'],
    ['Counsel has approved the report, within 5 days of the step starting.', 'P5D'],
  ])('%s is due %s after the phase starts', (text, iso) => expect(readDeadline(text)).toBe(iso));
  it('reads a bare "within" as no deadline', () =>
    expect(readDeadline('Error rate stays under 1% within 10 minutes')).toBeUndefined());
});

describe('recurrence', () => {
  it.each([
    ['Daily check-ins', 'Daily', 'P1D'],
    ['daily review of dashboard KPIs and logs.', 'daily', 'P1D'],
    ['**Weekly** metrics review', 'Weekly', 'P7D'],
    ['check-in on backfill progress every 12 hours with the on-call', 'every 12 hours', 'PT12H'],
    ['A reminder goes to the channel every week', 'every week', 'P1W'],
  ])('%s recurs every period', (title, word, every) =>
    expect(readRecurrence(title)).toEqual({ word, every }),
  );
  it.each([
    'Review daily numbers',
    'Dailies reviewed',
    'Bi-weekly sync',
    'Weekday cover arranged',
    'row counts match for every month since 2019',
  ])('%s does not begin with the word, so it does not recur', (title) =>
    expect(readRecurrence(title)).toBeUndefined(),
  );
});

describe('comparison reader', () => {
  it.each([
    ['> 5%', '>', 5, '%'],
    ['below 99.5%', '<', 99.5, '%'],
    ['at or above 99.9%', '>=', 99.9, '%'],
    ['≥90', '>=', 90, undefined],
    ['≤5', '<=', 5, undefined],
    ['latency over 800 ms', '>', 800, 'ms'],
    ['no more than 1,000', '<=', 1000, undefined],
    ['backlog > 2k', '>', 2000, undefined],
  ])('%s', (text, operator, value, unit) => {
    const comparison = readComparison(text);
    expect([comparison?.operator, comparison?.value, comparison?.unit]).toEqual([operator, value, unit]);
  });

  it('reads time compared as a duration', () =>
    expect(readComparison('outages >30 minutes')?.duration).toBe('PT30M'));

  it.each([
    ['for 5 min', 'PT5M', 'sustained'],
    ['for >10 minutes', 'PT10M', 'sustained'],
    ['over 15 minutes', 'PT15M', 'aggregate'],
    ['in any 5-minute window', 'PT5M', 'aggregate'],
  ])('window %s', (text, iso, mode) => expect(readWindow(text)).toMatchObject({ iso, mode }));

  it('reads full conditions', () => {
    expect(readCondition('Error rate > 5% for 5 min')).toMatchObject({
      metric: 'error_rate',
      operator: '>',
      threshold: 5,
      unit: '%',
      window: 'PT5M',
      mode: 'sustained',
    });
    expect(readCondition('If the p95 latency is above 300ms over 10 minutes')).toMatchObject({
      metric: 'p95_latency',
      threshold: 300,
      unit: 'ms',
      window: 'PT10M',
      mode: 'aggregate',
    });
    expect(readCondition('Critical EF outages >30 minutes.')).toMatchObject({
      metric: 'critical_ef_outages',
      threshold: 0,
      window: 'PT30M',
      mode: 'sustained',
    });
    expect(readCondition('Policy engine misconfiguration causing mass blocks')).toBeUndefined();
    expect(readCondition('PDF render failures above two percent for fifteen minutes')).toMatchObject({
      metric: 'pdf_render_failures',
      threshold: 2,
      unit: '%',
      window: 'PT15M',
    });
    // A lag is itself a time: its threshold stays one, with a window of its own.
    expect(readCondition('Indexing lag above 5 minutes for 15 minutes')).toMatchObject({
      metric: 'indexing_lag',
      operator: '>',
      threshold: 5,
      unit: 'min',
      window: 'PT15M',
    });
  });

  it('reads audience bounds', () => {
    expect(readBound('(≤5)')).toMatchObject({ max: 5 });
    expect(readBound('3-5 internal team members')).toMatchObject({ max: 5 });
    expect(readBound('10% of users')).toMatchObject({ max: 10, unit: '%' });
    expect(readBound('all customers')).toBeUndefined();
  });
});

describe('audience reader', () => {
  it('splits subjects and limits', () => {
    expect(readAudienceLimits('Limited set of bars/stations (≤5) and support agents (≤3).')).toEqual([
      { subject: 'bars/stations', max: 5 },
      { subject: 'support agents', max: 3 },
    ]);
    expect(readAudienceLimits('up to 50 merchants')).toEqual([{ subject: 'merchants', max: 50 }]);
    expect(readAudienceLimits('internal staff')).toEqual([]);
  });
  it('keeps the noun as unit when places or machines are counted, not people', () => {
    expect(readAudienceLimits('2 regions')).toEqual([{ subject: 'regions', max: 2, unit: 'regions' }]);
    expect(readAudienceLimits('1 brand of 6')).toEqual([expect.objectContaining({ max: 1, unit: 'brand' })]);
    expect(readAudienceLimits('8 partners')).toEqual([{ subject: 'partners', max: 8 }]);
  });
  it('reads counts and shares spelled out, or after "the"/"all"', () => {
    expect(readAudienceLimits('Twenty merchants who volunteered')).toEqual([
      { subject: 'merchants', max: 20 },
    ]);
    expect(readAudienceLimits('Ten percent of customer invoices')).toEqual([
      { subject: 'customer invoices', max: 10, unit: '%' },
    ]);
    expect(readAudienceLimits('the 8 partners who helped')).toEqual([{ subject: 'partners', max: 8 }]);
    expect(startsWithCount('Three days at least, a week at most')).toBe(false);
    expect(startsWithCount('A reminder goes out')).toBe(false);
  });
  it('recognises bullets that start with a head count', () => {
    expect(startsWithCount('5 hand-picked pilot merchants')).toBe(true);
    expect(startsWithCount('24/7 monitoring')).toBe(false);
    expect(startsWithCount('Open signups')).toBe(false);
  });
});

describe('role reader', () => {
  it.each([
    ['Campaign templates locked and approved by Compliance.', ['compliance']],
    ['Revolut link and payment instructions confirmed by Finance.', ['finance']],
    ['Quiet hour overrides approved by project lead before enabling.', ['project-lead']],
    ['Incident runbooks reviewed by Ops.', ['ops']],
    ['Approved by Product and Legal', ['product', 'legal']],
    ['Sign-off from the Security team', ['security']],
    ['Legal sign-off obtained', ['legal']],
    ['Go/No-Go meeting sign-off recorded.', []],
  ])('%s', (text, roles) => expect(readApproval(text)).toEqual({ roles }));
  it.each([
    ['Risk approves the widening to 25%', ['risk']],
    ['The fraud desk has approved the new rules.', ['fraud-desk']],
    ['Once QA and Legal sign off, we widen', ['qa', 'legal']],
    ['Head of Payments signs off before the switch', ['head-of-payments']],
    ['Legal has signed off on the copy', ['legal']],
    ['Review completed by Security', ['security']],
    ['Sign-off recorded by Head of Payments and Release captain', ['head-of-payments', 'release-captain']],
    ['sign-off from the Change Advisory Board', ['change-advisory-board']],
    ['Change Advisory Board sign-off obtained', ['change-advisory-board']],
    ['a go/no-go from the release manager', ['release-manager']],
    ['Site reliability on-call gives the go-ahead', ['site-reliability-on-call']],
    ['Data protection officer approved the DPIA', ['data-protection-officer']],
    ['Merchants and Support both sign off', ['merchants', 'support']],
    ['We sign off together at the Monday sync', []],
    ['Exit: the DBA on call has signed off the lag dashboard.', ['dba-on-call']],
    ['Move on after 3 quiet days and the growth PM signs off.', ['growth-pm']],
    ['Finance has to approve the forecast.', ['finance']],
    ['Trust & Safety has approved the output filter', ['trust-safety']],
    ['Warehouse lead approval', ['warehouse-lead']],
    ['Capacity sign-off by SRE', ['sre']],
    ['Legal has reviewed the banner copy', ['legal']],
    ['The CDN team has to confirm that hit rates hold', ['cdn']],
    ['oncall ack', ['oncall']],
  ])('%s (other tenses and forms)', (text, roles) => expect(readApproval(text)).toEqual({ roles }));
  it.each([
    'Merchants sign the new terms',
    'Support gives a short briefing to agents',
    'Run the smoke tests',
    'Update the pricing page',
    'We review the dashboards every morning',
  ])('"%s" approves nothing', (text) => expect(readApproval(text)).toBeUndefined());
  it('leaves other items alone', () =>
    expect(readApproval('Monitoring connected to Ops channel')).toBeUndefined());
  it('normalises roles', () => expect(normaliseRole('the Ops team')).toBe('ops'));
});

describe('flag reader', () => {
  it('reads states in many spellings', () => {
    expect(readFlagStates('`kwik_integration: true` (if ready)')).toEqual({
      states: [{ key: 'kwik_integration', value: true }],
      remainder: '(if ready)',
    });
    expect(readFlagStates('enable `a` and `b`').states).toEqual([
      { key: 'a', value: true },
      { key: 'b', value: true },
    ]);
    expect(readFlagStates('Turn off `new_checkout`').states).toEqual([{ key: 'new_checkout', value: false }]);
    expect(readFlagStates('`express_pay` off').states).toEqual([{ key: 'express_pay', value: false }]);
    expect(readFlagStates('dark_mode = on').states).toEqual([{ key: 'dark_mode', value: true }]);
    expect(readFlagStates('Scope: limited').states).toEqual([]);
  });
  it.each([
    ['`instant_refunds` is switched on for staff', 'instant_refunds', true],
    ['we turn `instant_refunds` on once the canary is quiet', 'instant_refunds', true],
    ['Keep `legacy_ledger` off during the soak', 'legacy_ledger', false],
    ['`legacy_ledger` stays off', 'legacy_ledger', false],
    ['`legacy_ledger` remains disabled', 'legacy_ledger', false],
    ['`instant_refunds` is not enabled yet', 'instant_refunds', false],
    ['`refund_ramp` will be set to 25%', 'refund_ramp', 25],
    ['Raise `refund_ramp` to 50%', 'refund_ramp', 50],
    ['The team enables `instant_refunds` for everyone', 'instant_refunds', true],
    ['instant_refunds goes live at noon', 'instant_refunds', true],
    ['switched `instant_refunds` back off', 'instant_refunds', false],
  ])('reads prose: %s', (text, key, value) => expect(readFlagStates(text).states).toEqual([{ key, value }]));
  it.each(['error_rate at 5% for 10 minutes', 'Turn on the lights', 'Check sign-on is working'])(
    '"%s" sets no flag',
    (text) => expect(readFlagStates(text).states).toEqual([]),
  );
  it('parses values', () => {
    expect([
      parseFlagValue('enabled'),
      parseFlagValue('off'),
      parseFlagValue('25%'),
      parseFlagValue('blue'),
    ]).toEqual([true, false, 25, 'blue']);
  });
});

describe('flag defaults in prose', () => {
  it.each([
    [
      '`a` is off by default and `b` is on by default.',
      [
        ['a', false],
        ['b', true],
      ],
    ],
    [
      '`a` defaults to off; `b` defaults to on.',
      [
        ['a', false],
        ['b', true],
      ],
    ],
    [
      '`a` starts off. `b` starts on.',
      [
        ['a', false],
        ['b', true],
      ],
    ],
    [
      'the `a` flag, which is off today, and `b` controls copies; that one is on today.',
      [
        ['a', false],
        ['b', true],
      ],
    ],
  ])('%s', (text, expected) => {
    expect(readFlagDefaults(text).map(({ key, value }) => [key, value])).toEqual(expected);
  });

  it('a state without a word of default is no default', () => {
    expect(readFlagDefaults('Turn `a` on for staff, then `b` is off.')).toEqual([]);
  });
});

describe('breach action reader: verbs, not nouns', () => {
  it.each([
    ['Checkout errors > 2% for 5 min → roll back, post on the status page', 'rollback'],
    ['Conversion on the pricing page drops below 3%', 'rollback'],
    ['Refund failures above 1%: page the on-call', 'notify'],
    ['Latency over 900 ms, then page SRE', 'notify'],
    ['Support hold time above 10 minutes', 'rollback'],
    ['Fraud score spikes → hold at the current stage', 'pause'],
    ['Queue depth > 5k: pause the ramp', 'pause'],
  ])('%s → %s', (text, type) => expect(readBreachAction(text).type).toBe(type));
  it.each([
    ['→ Level 2', 2],
    ['roll back to level 3 if it persists', 3],
    ['go to L2', 2],
    ['Tier 1 rollback', 1],
  ])('%s names level %s', (text, n) => expect(readLevelNumber(text)).toBe(n));
  it('names no level without a number', () => expect(readLevelNumber('level of noise')).toBeUndefined());
});

describe('step action reader', () => {
  it.each([
    ['Revert deployment to previous version', 'revert-deployment'],
    ['Hide the new prices on the pricing page', 'manual'],
    ['Remove the status page draft', 'manual'],
    ['Update the status page with the outage', 'notify'],
    ['Notify merchants of data restoration', 'notify'],
    ['Restore from last backup', 'restore-backup'],
    ['Replay missed webhooks from DLQ', 'replay-dlq'],
    ['Call the rollback webhook', 'webhook'],
    ['Disable `new_checkout`', 'set-flags'],
    ['Tell the team to stand down', 'notify'],
    ['Re-enable legacy tooling', 'manual'],
  ])('%s → %s', (text, type) => expect(readStepAction(text).type).toBe(type));
  it('finds channels', () =>
    expect([readChannel('WhatsApp group'), readChannel('via banner'), readChannel('nothing')]).toEqual([
      'whatsapp',
      'in-app',
      undefined,
    ]));
});

describe('text helpers', () => {
  it('slugifies titles', () => {
    expect(slugify('Pilot Merchants')).toBe('pilot-merchants');
    expect(slugify('Déploiement à 5%')).toBe('deploiement-5');
  });
  it('names metrics', () => expect(metricName('Error rate (5xx)')).toBe('error_rate'));
  it('makes ids unique', () => {
    const ids = new UniqueIds('x');
    expect([ids.take('a'), ids.take('a'), ids.take(''), ids.take('a')]).toEqual(['a', 'a-2', 'x', 'a-3']);
  });
  it('matches phases by distinctive words and acronyms', () => {
    const phases = [
      { id: 'pilot-merchants', name: 'Pilot Merchants' },
      { id: 'general-availability', name: 'General Availability' },
    ];
    expect(matchPhase('GA Launch', phases)).toBe(1);
    expect(matchPhase('Prior to pilot, share FAQ', phases)).toBe(0);
    expect(matchPhase('Engineering sync', phases)).toBeUndefined();
  });
});
