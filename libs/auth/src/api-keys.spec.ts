import { loadApiKeys, matchApiKey } from './api-keys';

const shop = 'shop-0123456789abcdefghijklmn';
const billing = 'billing-0123456789abcdefghijk';

describe('OFREP_API_KEYS', () => {
  test('none by default; keys by comma, each named by its digest, never by itself', () => {
    expect(loadApiKeys({})).toEqual([]);
    const keys = loadApiKeys({ OFREP_API_KEYS: ` ${shop}, ${billing} ,` });
    expect(keys.map((k) => k.name)).toEqual([
      expect.stringMatching(/^api-key-[0-9a-f]{8}$/),
      expect.stringMatching(/^api-key-[0-9a-f]{8}$/),
    ]);
    expect(keys[0].name).not.toBe(keys[1].name);
    expect(JSON.stringify(keys.map((k) => k.name))).not.toContain('shop');
  });

  test('a short key, or one with a space inside, stops start-up naming the variable', () => {
    expect(() => loadApiKeys({ OFREP_API_KEYS: 'short' })).toThrow(
      /OFREP_API_KEYS: each key must be at least 24/,
    );
    expect(() => loadApiKeys({ OFREP_API_KEYS: `${shop} x` })).toThrow(/OFREP_API_KEYS/);
  });

  test('a presented key matches its own entry only', () => {
    const keys = loadApiKeys({ OFREP_API_KEYS: `${shop},${billing}` });
    expect(matchApiKey(keys, billing)).toBe(keys[1]);
    expect(matchApiKey(keys, shop)).toBe(keys[0]);
    expect(matchApiKey(keys, `${shop}x`)).toBeUndefined();
    expect(matchApiKey(keys, '')).toBeUndefined();
    expect(matchApiKey([], shop)).toBeUndefined();
  });
});
