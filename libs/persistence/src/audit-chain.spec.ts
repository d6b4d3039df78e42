import { auditHash, canonicalJson, type AuditHashInput } from './audit-chain';

describe('canonicalJson', () => {
  test('sorts keys at every depth and drops what JSON drops', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ at: new Date('2026-11-23T10:00:00Z'), n: Number.NaN })).toBe(
      '{"at":"2026-11-23T10:00:00.000Z","n":null}',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('auditHash', () => {
  const entry: AuditHashInput = {
    seq: 1,
    idempotencyKey: 'k1',
    rolloutId: 'r1',
    actor: 'alice',
    action: 'gate.sign',
    target: 'go-live',
    payload: { phase: 'p1', note: 'ok' },
    outcome: 'accepted',
    at: new Date('2026-11-23T10:00:00.000Z'),
    prevHash: null,
  };

  test('is a SHA-256 hex digest that ignores key order in the payload', () => {
    const hash = auditHash(entry);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHash({ ...entry, payload: { note: 'ok', phase: 'p1' } })).toBe(hash);
  });

  test.each<[string, Partial<AuditHashInput>]>([
    ['seq', { seq: 2 }],
    ['idempotencyKey', { idempotencyKey: 'k2' }],
    ['rolloutId', { rolloutId: 'r2' }],
    ['actor', { actor: 'mallory' }],
    ['action', { action: 'gate.revoke' }],
    ['target', { target: 'other' }],
    ['payload', { payload: { phase: 'p1', note: 'ok!' } }],
    ['outcome', { outcome: 'refused' }],
    ['at', { at: new Date('2026-11-23T10:00:00.001Z') }],
    ['prevHash', { prevHash: 'a'.repeat(64) }],
  ])('changes with %s', (_field, change) => {
    expect(auditHash({ ...entry, ...change })).not.toBe(auditHash(entry));
  });
});
