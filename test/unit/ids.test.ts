import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_ID_RULE,
  parseCampaignId,
  parseUserId,
  USER_ID_RULE,
} from '../../src/domain/ids.ts';

const notStrings: unknown[] = [undefined, null, 42, true, {}, ['a'], Symbol('a')];

describe('parseCampaignId', () => {
  it.each(['a', 'default', 'black-friday-2026', '0123456789', '-', 'a'.repeat(64)])(
    'accepts %j',
    (raw) => {
      expect(parseCampaignId(raw)).toEqual({ ok: true, value: raw });
    },
  );

  it.each([
    ['empty', ''],
    ['uppercase', 'Black-Friday'],
    ['one uppercase letter', 'drop-A'],
    ['space', 'black friday'],
    ['trailing newline', 'drop\n'],
    ['underscore', 'black_friday'],
    ['dot', 'drop.1'],
    ['colon', 'drop:1'],
    ['slash', 'a/b'],
    ['unicode letter', 'café'],
    ['emoji', 'drop-🎟'],
    ['65 characters', 'a'.repeat(65)],
  ])('rejects %s', (_name, raw) => {
    expect(parseCampaignId(raw)).toEqual({
      ok: false,
      problems: [{ field: 'campaignId', message: CAMPAIGN_ID_RULE }],
    });
  });

  it.each(notStrings)('rejects the non-string %s', (raw) => {
    expect(parseCampaignId(raw).ok).toBe(false);
  });

  it('names the field it was told to', () => {
    expect(parseCampaignId('BAD', 'DEFAULT_CAMPAIGN_ID')).toEqual({
      ok: false,
      problems: [{ field: 'DEFAULT_CAMPAIGN_ID', message: CAMPAIGN_ID_RULE }],
    });
  });
});

describe('parseUserId', () => {
  it.each([
    'u',
    'alice',
    'Alice_Smith',
    'user.42',
    'tenant:user-7',
    'A-Z_a-z.0-9:',
    'x'.repeat(64),
  ])('accepts %j', (raw) => {
    expect(parseUserId(raw)).toEqual({ ok: true, value: raw });
  });

  it.each([
    ['empty', ''],
    ['space', 'alice smith'],
    ['leading space', ' alice'],
    ['tab', 'alice\t'],
    ['newline (log forging)', 'alice\nlevel=error'],
    ['unicode letter', 'josé'],
    ['fullwidth digit', 'user１'],
    ['emoji', 'alice🎟'],
    ['quote', 'al"ice'],
    ['slash', 'a/b'],
    ['at sign', 'a@b.c'],
    ['65 characters', 'x'.repeat(65)],
  ])('rejects %s', (_name, raw) => {
    expect(parseUserId(raw)).toEqual({
      ok: false,
      problems: [{ field: 'userId', message: USER_ID_RULE }],
    });
  });

  it.each(notStrings)('rejects the non-string %s', (raw) => {
    expect(parseUserId(raw).ok).toBe(false);
  });

  it('names the field it was told to', () => {
    expect(parseUserId('', 'user')).toEqual({
      ok: false,
      problems: [{ field: 'user', message: USER_ID_RULE }],
    });
  });
});
