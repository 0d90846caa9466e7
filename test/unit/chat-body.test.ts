import { BodyError, ChatBodyReader } from '../../bot/chat-body';

/* The streaming reader of web chat bodies answers what JSON.parse answers, however the body is cut. */

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const PIECES = ['a', 'Z', '9', ' ', '"', '\\', '/', '\n', '\t', '中', '文', '😀', '\u0001', '\u2028', 'é', '{', ']'];

function randomValue(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth > 3 || pick < 0.3) {
    const s = Array.from({ length: Math.floor(r() * 12) }, () => PIECES[Math.floor(r() * PIECES.length)]).join('');
    return s;
  }
  if (pick < 0.45) return Math.round((r() - 0.5) * 1e6) / (r() < 0.5 ? 1 : 1000);
  if (pick < 0.55) return [true, false, null][Math.floor(r() * 3)];
  if (pick < 0.75) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  return randomObject(r, depth + 1);
}

function randomObject(r: () => number, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 5); i > 0; i--) o[`k${Math.floor(r() * 8)}${PIECES[Math.floor(r() * 6)]}`] = randomValue(r, depth);
  return o;
}

/** Feeds `text` in pieces cut at random points. */
function read(text: string, r: () => number, photoBytes = 1024) {
  const reader = new ChatBodyReader(photoBytes);
  let i = 0;
  while (i < text.length) {
    const n = 1 + Math.floor(r() * 9);
    reader.feed(text.slice(i, i + n));
    i += n;
  }
  return reader.end();
}

it('reads 2,000 random objects as JSON.parse does, fed in random pieces', () => {
  const r = rng(42);
  for (let n = 0; n < 2000; n++) {
    const value = randomObject(r, 0);
    const text = JSON.stringify(value, null, n % 3 === 0 ? 2 : undefined);
    expect(read(text, r).fields).toEqual(JSON.parse(text));
  }
});

it('decodes image.data from base64 into bytes, escapes and all, and keeps the other fields', () => {
  const r = rng(7);
  const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31) % 256));
  const b64 = bytes.toString('base64');
  // Some encoders escape "/" in strings: the reader undoes it like JSON.parse.
  const text = `{"from":"web-abc-123","image":{"mimeType":"image/png","data":"${b64.replace(/\//g, '\\/')}","name":"a.png"},"text":null}`;
  const body = read(text, r, 4096);
  expect(body.photo!.equals(bytes)).toBe(true);
  expect(body.fields).toEqual({ from: 'web-abc-123', image: { mimeType: 'image/png', data: '', name: 'a.png' }, text: null });
  // Only image.data is a photo: the same key elsewhere stays text.
  expect(read('{"data":"QUJD","image":{"x":{"data":"QUJD"}}}', r).photo).toBeUndefined();
});

it.each([
  ['{"a":1,}', 400],
  ['{"a" 1}', 400],
  ['[1,2]', 400],
  ['"text"', 400],
  ['{"a":01}', 400],
  ['{"a":tru}', 400],
  ['{"a":"x\u0001"}', 400],
  ['{"a":"\\q"}', 400],
  ['{"a":"\\u12G4"}', 400],
  ['{"a":1}{}', 400],
  ['{"a":[}', 400],
  ['{"a":', 400],
  ['{"__proto__":{"from":"x"}}', 400],
  [`{"a":"${'x'.repeat(70_000)}"}`, 413],
  [`${'['.repeat(40)}`, 400],
])('refuses %# with its status', (text, status) => {
  let err: unknown;
  try {
    const reader = new ChatBodyReader(100);
    reader.feed(text);
    reader.end();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(BodyError);
  expect((err as BodyError).status).toBe(status);
});
