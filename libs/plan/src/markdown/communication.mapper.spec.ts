import { importMarkdown } from '..';
import { readRecipient } from './communication.mapper';

describe('readRecipient: who a communication line is for', () => {
  it.each([
    ['Legal: circulate the updated terms', 'Legal', 'circulate the updated terms'],
    ['Field sales team: one-pager before the call', 'Field sales team', 'one-pager before the call'],
  ])('reads a plain label as the audience: %s', (text, audience, message) => {
    expect(readRecipient(text)).toEqual({ audience, message });
  });

  it.each([
    ['Warehouse leads are told at the Monday stand-up', 'Warehouse leads'],
    ['The billing team gets a heads-up in #billing', 'billing team'],
    ['Partners receive a written notice 10 days ahead', 'Partners'],
    ['Store managers hear about it from their regional lead', 'Store managers'],
    ['Email all franchise owners on launch day', 'franchise owners'],
    ["Notify the courier partners' dispatchers before the switch", "courier partners' dispatchers"],
    ['A short note to key accounts 2 weeks before', 'key accounts'],
    ['Post the release notes in #mobile-releases', '#mobile-releases'],
  ])('reads the recipient named in the sentence: %s', (text, audience) => {
    expect(readRecipient(text)?.audience).toBe(audience);
  });

  it.each([
    'Press release on launch day',
    'Announce staging readiness to the mailing list',
    'Note: times are in UTC',
    'In-app banner for two weeks',
  ])('names nobody when the line does not: %s', (text) => {
    expect(readRecipient(text)?.audience).toBeUndefined();
  });
});

describe('a communications section without audience headings', () => {
  const { plan } = importMarkdown(
    [
      '# Warehouse scanner firmware',
      '',
      '## Stage 1: Pilot depot',
      '',
      '- **Duration:** 3 days',
      '',
      '## Communications',
      '',
      '- Shift supervisors: a one-page guide at the morning huddle',
      '- Regional managers are emailed a weekly summary',
      '- Post progress in #scanner-rollout',
      '',
    ].join('\n'),
  );

  it('names the audience of each message from its wording', () => {
    expect(plan.communications.map((c) => [c.audience, c.message])).toEqual([
      ['Shift supervisors', 'a one-page guide at the morning huddle'],
      ['Regional managers', 'Regional managers are emailed a weekly summary'],
      ['#scanner-rollout', 'Post progress in #scanner-rollout'],
    ]);
  });
});
