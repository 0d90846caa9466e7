import { numberPlaceholders } from '../../src/db/sql';
import { hashPassword, verifyPassword } from '../../src/domain/access/password';
import { maskPhone } from '../../src/domain/access/access';
import { decodeCursor, encodeCursor, pageSize } from '../../src/domain/pagination';
import { fromGlobalId, toGlobalId } from '../../src/graphql/relay';
import { DomainError } from '../../src/domain/errors';

describe('passwords', () => {
  it('hashes with scrypt and a random salt, and verifies', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});

describe('phone masking', () => {
  it('keeps the first three and last four digits', () => {
    expect(maskPhone('13800000000')).toBe('138****0000');
    expect(maskPhone('12345')).toBe('*****');
  });
});

describe('global ids and cursors', () => {
  it('round-trips and type-checks global ids', () => {
    expect(fromGlobalId(toGlobalId('Case', 42))).toEqual({ type: 'Case', id: 42 });
    expect(() => fromGlobalId(toGlobalId('Case', 42), 'Unit')).toThrow(DomainError);
    for (const bad of ['', 'x', Buffer.from('Case:abc').toString('base64url'), Buffer.from('Secret:1').toString('base64url'), 'a'.repeat(200)]) {
      expect(() => fromGlobalId(bad)).toThrow(/not a valid/);
    }
  });

  it('rejects cursors that are malformed, from another ordering, or with a value of the wrong kind', () => {
    const c = encodeCursor('case:REPORTED_AT:DESC', ['2026-11-23T00:00:00.000Z', 5]);
    expect(decodeCursor(c, 'case:REPORTED_AT:DESC', ['timestamp', 'int'])).toEqual(['2026-11-23T00:00:00.000Z', 5]);
    expect(() => decodeCursor(c, 'case:NUMBER:ASC', ['text', 'int'])).toThrow(/after is not a cursor/);
    expect(() => decodeCursor('%%%', 'x', ['int'])).toThrow(/after is not a cursor/);
    expect(() => decodeCursor(Buffer.from('{"a":1}').toString('base64url'), 'x', ['int'])).toThrow(/after is not a cursor/);
    for (const forged of [
      ['x', 5],
      ['2026-11-23T00:00:00.000Z', 'five'],
      ['2026-11-23T00:00:00.000Z', 2 ** 53],
      ['2026-13-45T99:00:00Z', 5],
      ['2026-11-23T00:00:00.000Z', 1.5],
    ]) {
      expect(() => decodeCursor(encodeCursor('case:REPORTED_AT:DESC', forged as never), 'case:REPORTED_AT:DESC', ['timestamp', 'int'])).toThrow(
        /after is not a cursor/,
      );
    }
    expect(() => decodeCursor(encodeCursor('unit', ['a\u0000b']), 'unit', ['text'])).toThrow(/after is not a cursor/);
  });

  it('bounds page sizes', () => {
    expect(pageSize({})).toBe(20);
    expect(pageSize({ first: 100 })).toBe(100);
    expect(() => pageSize({ first: 101 })).toThrow(/0 to 100/);
    expect(() => pageSize({ first: -1 })).toThrow(/0 to 100/);
  });
});

describe('bind placeholders', () => {
  it('numbers ? outside quoted text and line comments only', () => {
    expect(numberPlaceholders(`select ? -- the reporter's ?\n, '?' , ? where x = 'it''s ?' and y = ?`)).toBe(
      `select $1 -- the reporter's ?\n, '?' , $2 where x = 'it''s ?' and y = $3`,
    );
  });
});

describe('global ids', () => {
  it('refuse ids beyond a PostgreSQL integer before they reach a query', () => {
    const id = (s: string) => Buffer.from(s).toString('base64url');
    expect(fromGlobalId(id('Unit:2147483647'))).toEqual({ type: 'Unit', id: 2147483647 });
    expect(() => fromGlobalId(id('Unit:2147483648'))).toThrow(/is not a valid node id/);
    expect(() => fromGlobalId(id('Officer:9999999999'), 'Officer')).toThrow(/is not a valid Officer id/);
  });
});
