import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_ID_RULE,
  parseCampaignId,
  parseUserId,
  USER_ID_RULE,
} from '../../src/domain/ids.ts';

const notStrings: unknown[] = [undefined, null, 42, true, {}, ['a'], Symbol('a')];

interface IdParserCase {
  readonly parser: string;
  readonly parse: (raw: unknown, field?: string) => { readonly ok: boolean };
  readonly field: string;
  readonly rule: string;
  readonly accepted: readonly string[];
  readonly rejected: readonly (readonly [name: string, raw: string])[];
  /** A rejected value, and the field name the parser is told to report it under. */
  readonly renamed: { readonly raw: string; readonly field: string };
}

/**
 * Both id parsers keep one promise: the value itself when it matches the rule, else one problem
 * naming the field (its default, or the one it was told) and the rule. Per parser: what it
 * accepts, what it rejects, and a rejected value under another field name.
 */
describe.each<IdParserCase>([
  {
    parser: 'parseCampaignId',
    parse: parseCampaignId,
    field: 'campaignId',
    rule: CAMPAIGN_ID_RULE,
    accepted: ['a', 'default', 'black-friday-2026', '0123456789', '-', 'a'.repeat(64)],
    rejected: [
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
    ],
    renamed: { raw: 'BAD', field: 'DEFAULT_CAMPAIGN_ID' },
  },
  {
    parser: 'parseUserId',
    parse: parseUserId,
    field: 'userId',
    rule: USER_ID_RULE,
    accepted: [
      'u',
      'alice',
      'Alice_Smith',
      'user.42',
      'tenant:user-7',
      'A-Z_a-z.0-9:',
      'x'.repeat(64),
    ],
    rejected: [
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
    ],
    renamed: { raw: '', field: 'user' },
  },
])('$parser', ({ parse, field, rule, accepted, rejected, renamed }) => {
  it.each(accepted)('accepts %j', (raw) => {
    expect(parse(raw)).toEqual({ ok: true, value: raw });
  });

  it.each(rejected)('rejects %s', (_name, raw) => {
    expect(parse(raw)).toEqual({ ok: false, problems: [{ field, message: rule }] });
  });

  it.each(notStrings)('rejects the non-string %s', (raw) => {
    expect(parse(raw).ok).toBe(false);
  });

  it('names the field it was told to', () => {
    expect(parse(renamed.raw, renamed.field)).toEqual({
      ok: false,
      problems: [{ field: renamed.field, message: rule }],
    });
  });
});
