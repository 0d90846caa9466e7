import { copyLine } from '../../src/seed/bulk';

describe('copyLine', () => {
  it('writes a row in COPY text format, with null as \\N and dates as ISO instants', () => {
    expect(copyLine([1, 'a', null, undefined, new Date('2026-11-23T04:00:00.123Z')])).toBe('1\ta\t\\N\t\\N\t2026-11-23T04:00:00.123Z\n');
  });

  it('escapes what would end a value, a row or an escape', () => {
    expect(copyLine(['tab\there', 'line\nbreak\r', 'back\\slash'])).toBe('tab\\there\tline\\nbreak\\r\tback\\\\slash\n');
  });

  it('writes objects as JSON, escaped like any text', () => {
    expect(copyLine([{ result: 'SATISFIED' }, { note: 'a\\b' }])).toBe('{"result":"SATISFIED"}\t{"note":"a\\\\\\\\b"}\n');
  });
});
