import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DomainError } from '../../src/domain/errors';
import { ASPECTS, monthKey, parseStandardsCsv } from '../../src/domain/registry/standards';

const HEADER = 'aspect,code,text,weight\n';
const csv = (body: string) => Buffer.from(HEADER + body);

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('BAD_USER_INPUT');
    return err as DomainError;
  }
  throw new Error('expected a refusal');
}

it('reads a good file with a BOM, CRLF line ends and blank lines, keeping lines and weights as written', () => {
  const rows = parseStandardsCsv(
    Buffer.from('\uFEFFaspect,code,text,weight\r\n组织领导,ORG-01,成立领导小组,4\r\n\r\n公共服务,svc_1.a,"设立便民服务站点，有人接待",12.50\r\n'),
  );
  expect(rows).toEqual([
    { line: 2, aspect: '组织领导', code: 'ORG-01', text: '成立领导小组', weight: '4' },
    { line: 4, aspect: '公共服务', code: 'svc_1.a', text: '设立便民服务站点，有人接待', weight: '12.50' },
  ]);
});

it('names every bad line at once, each with everything wrong on it', () => {
  const long = '字'.repeat(501);
  const err = refusal(() =>
    parseStandardsCsv(
      csv(
        [
          '组织领导,ORG-01,成立领导小组,4', // line 2: good
          '宣传教育,ORG-02,开展宣传,3', // line 3: unknown aspect
          '治安防范,bad code!,巡逻,3', // line 4: code with a space and !
          `治安防范,${'X'.repeat(33)},巡逻,3`, // line 5: code too long
          '治安防范,SEC-01,,3', // line 6: empty text
          '治安防范,SEC-02,巡逻\u0007守护,3', // line 7: control character
          `治安防范,SEC-03,${long},3`, // line 8: 501 characters
          '法治建设,LAW-01,普法,0', // line 9: zero weight
          '法治建设,LAW-02,普法,1000.01', // line 10: above 1000
          '法治建设,LAW-03,普法,1.234', // line 11: three decimals
          '法治建设,LAW-04,普法,-2', // line 12: negative
          '法治建设,LAW-05,普法,abc', // line 13: not a number
          '法治建设,LAW-06,普法', // line 14: three fields
          '公共服务,ORG-01,重复的编号,2', // line 15: duplicate of line 2
          '公共服务,,,', // line 16: nothing but the aspect
          '公共服务,SVC-01,设立服务站点,1000', // line 17: good (1000 is allowed)
        ].join('\n'),
      ),
    ),
  );
  const problems = (err.details as { problems: string[] }).problems;
  expect(problems).toEqual([
    'line 3: aspect "宣传教育" is not one of 组织领导、治安防范、矛盾纠纷化解、重点人群帮教、安全隐患整治、法治建设、公共服务',
    'line 4: code "bad code!" must be 1-32 letters, digits, ".", "-" or "_"',
    `line 5: code "${'X'.repeat(33)}" must be 1-32 letters, digits, ".", "-" or "_"`,
    'line 6: text is empty',
    'line 7: text contains a control character; remove it',
    'line 8: text is longer than 500 characters',
    'line 9: weight "0" must be a positive number up to 1000 with at most 2 decimals',
    'line 10: weight "1000.01" must be a positive number up to 1000 with at most 2 decimals',
    'line 11: weight "1.234" must be a positive number up to 1000 with at most 2 decimals',
    'line 12: weight "-2" must be a positive number up to 1000 with at most 2 decimals',
    'line 13: weight "abc" must be a positive number up to 1000 with at most 2 decimals',
    'line 14: expected 4 fields (aspect,code,text,weight), found 3',
    'line 15: duplicate code ORG-01 (first on line 2)',
    'line 16: code "" must be 1-32 letters, digits, ".", "-" or "_"; text is empty; weight "" must be a positive number up to 1000 with at most 2 decimals',
  ]);
  expect(err.message).toBe(problems.join('\n'));
});

it('accepts a text of exactly 500 characters (counted as characters, not UTF-16 units)', () => {
  const text = '𠀀'.repeat(500); // outside the BMP: two UTF-16 units each
  expect(parseStandardsCsv(csv(`法治建设,LAW-01,${text},1`))[0].text).toBe(text);
  expect(refusal(() => parseStandardsCsv(csv(`法治建设,LAW-01,${text}𠀀,1`))).message).toBe('line 2: text is longer than 500 characters');
});

it.each([
  ['an empty file', Buffer.from(''), 'line 1: the file is empty; expected the header aspect,code,text,weight'],
  ['a header only', Buffer.from(HEADER), 'line 2: the file has no items below the header'],
  [
    'another header',
    Buffer.from('aspect,code,text,score\n组织领导,ORG-01,x,1\n'),
    'line 1: the header must be exactly aspect,code,text,weight (found aspect,code,text,score)',
  ],
  [
    'a header in capitals',
    Buffer.from('Aspect,Code,Text,Weight\n组织领导,ORG-01,x,1\n'),
    'line 1: the header must be exactly aspect,code,text,weight (found Aspect,Code,Text,Weight)',
  ],
  [
    'a GBK (non-UTF-8) line',
    Buffer.concat([csv('组织领导,ORG-01,x,1\n组织领导,ORG-02,'), Buffer.from([0xd7, 0xe9, 0xd6, 0xaf]), Buffer.from(',1\n')]),
    'line 3: the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in Excel) and retry',
  ],
  ['a line break inside a quoted text', csv('组织领导,ORG-01,"两行\n文字",1\n'), 'line 3: text contains a control character; remove it'],
])('refuses %s with its line', (_what, file, message) => {
  expect(refusal(() => parseStandardsCsv(file)).message).toBe(message);
});

it('refuses an unbalanced quote as malformed CSV with a line', () => {
  expect(refusal(() => parseStandardsCsv(csv('组织领导,ORG-01,"未闭合,1\n'))).message).toMatch(/^line \d+: malformed CSV/);
});

it('parses the shipped sample: 23 items in the 7 aspects, weights summing to 100', () => {
  const rows = parseStandardsCsv(readFileSync(path.join(__dirname, '../../data/standards-sample.csv')));
  expect(rows).toHaveLength(23);
  expect(new Set(rows.map((r) => r.aspect))).toEqual(new Set(ASPECTS));
  expect(rows.reduce((sum, r) => sum + Number(r.weight) * 100, 0)).toBe(100 * 100);
});

it('reads months written YYYY-MM from 2000 on', () => {
  expect(monthKey('2026-11')).toBe('2026-11-01');
  expect(monthKey('2000-01')).toBe('2000-01-01');
  expect(() => monthKey('1999-12')).toThrow('month 1999-12 is before 2000');
  for (const bad of ['2026-13', '2026-00', '2026-1', '2026-11-01', '202611', '']) {
    expect(() => monthKey(bad)).toThrow(/must be a month written YYYY-MM/);
  }
});
