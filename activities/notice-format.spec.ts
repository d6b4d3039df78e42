import { CloudEvent, HTTP } from 'cloudevents';
import { consoleLink, type Notice, noticeEvent, noticeRequest } from './notice-format';

const notice: Notice = {
  key: 'rollout-r1/pilot/requested/legal-ok',
  kind: 'approval.requested',
  rolloutId: 'r1',
  channel: 'actions',
  audience: 'legal',
  message: 'Approval needed from legal: "Legal sign-off" in Pilot',
  details: { phaseId: 'pilot', itemId: 'legal-ok' },
  recordedAt: new Date('2026-12-02T10:00:00.000Z'),
};
const settings = { source: 'https://rollouts.example.com', typePrefix: 'com.example' };

describe('notices as CloudEvents', () => {
  test('the same notice is the same event: id from its key, time from when it was recorded', () => {
    const a = noticeEvent(notice, settings);
    const b = noticeEvent({ ...notice }, settings);
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(a).toMatchObject({
      specversion: '1.0',
      id: notice.key,
      type: 'com.example.rollout.approval.requested',
      source: 'https://rollouts.example.com',
      subject: 'r1',
      time: '2026-12-02T10:00:00.000Z',
      datacontenttype: 'application/json',
    });
    expect(a.data).not.toHaveProperty('link');
  });

  test.each(['cloudevents', 'cloudevents-structured'] as const)(
    '%s mode reads back as the event',
    (format) => {
      const event = noticeEvent(notice, { ...settings, consoleUrl: 'https://console.example.com' });
      const { headers, body } = noticeRequest(event, format);
      expect(headers['content-type']).toMatch(
        format === 'cloudevents' ? /^application\/json/ : /^application\/cloudevents\+json/,
      );
      const read = HTTP.toEvent({ headers, body });
      if (!(read instanceof CloudEvent)) throw new Error('one event expected');
      expect(read.validate()).toBe(true);
      expect(read.toJSON()).toEqual(event.toJSON());
      expect(read.data).toMatchObject({
        link: 'https://console.example.com/rollouts/r1',
        itemId: 'legal-ok',
      });
    },
  );

  test('teams gets an Adaptive Card with the facts and a button to the console', () => {
    const event = noticeEvent(notice, { ...settings, consoleUrl: 'https://console.example.com' });
    const body = JSON.parse(noticeRequest(event, 'teams').body) as {
      type: string;
      attachments: { contentType: string; content: Record<string, unknown> }[];
    };
    expect(body.type).toBe('message');
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0].content).toMatchObject({
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: 'Approval requested' },
        { type: 'TextBlock', text: notice.message },
        {
          type: 'FactSet',
          facts: [
            { title: 'Rollout', value: 'r1' },
            { title: 'For', value: 'legal' },
          ],
        },
      ],
      actions: [{ type: 'Action.OpenUrl', url: 'https://console.example.com/rollouts/r1' }],
    });
  });

  test('slack without a console URL has no button', () => {
    const body = JSON.parse(noticeRequest(noticeEvent(notice, settings), 'slack').body) as {
      text: string;
      blocks: { type: string }[];
    };
    expect(body.text).toBe(`Approval requested: ${notice.message}`);
    expect(body.blocks.map((b) => b.type)).toEqual(['section', 'context']);
  });

  test('the console link names the rollout page, escaped', () => {
    expect(consoleLink('https://c.example.com', 'a/b c')).toBe('https://c.example.com/rollouts/a%2Fb%20c');
    expect(consoleLink(undefined, 'r1')).toBeUndefined();
  });
});
