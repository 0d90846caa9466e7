import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Case, CaseEventType } from '../../src/entities';
import { appendEvents } from '../../src/domain/cases/trail.service';
import { toGlobalId } from '../../src/graphql/relay';
import { useWorldApp } from '../support/app';
import { last, say as sayTo } from '../support/chat';

/* Officers fetch a case's chat photos over HTTP with their token, within their jurisdiction only. */

const now = new Date('2026-11-23T02:00:00Z');
const t = useWorldApp({ now: () => now });

/** A web chat message from a resident; answers the last reply. */
const say = async (contact: string, text: string | null, extra: Record<string, unknown> = {}) =>
  last(await sayTo(t.app.url, contact, text, { name: '王五', ...extra }));

/** A resident reports with one photo through the web chat; returns the case. */
async function reportWithPhoto(contact: string, place: string, photo: { name: string; mimeType: string; bytes: Buffer }): Promise<Case> {
  await say(contact, '反映');
  await say(contact, '2');
  await say(contact, place);
  expect(await say(contact, null, { image: { name: photo.name, mimeType: photo.mimeType, data: photo.bytes.toString('base64') } })).toMatch(/照片已收到/);
  await say(contact, '墙体出现裂缝，担心倒塌');
  await say(contact, '匿名');
  const number = /SL\d{12}/.exec(await say(contact, '1'))?.[0];
  expect(number).toBeDefined();
  const c = await t.db.orm.em.fork().findOneOrFail(Case, { number });
  expect(c.attachments).toHaveLength(1);
  return c;
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
let inA: Case;
let inB: Case;

beforeAll(async () => {
  inA = await reportWithPhoto('contact-photo-a01', '磁窑村', { name: '墙体 裂缝.png', mimeType: 'image/png', bytes: PNG });
  inB = await reportWithPhoto('contact-photo-b01', '温家寨村', { name: 'b.jpg', mimeType: 'image/jpeg', bytes: JPEG });
});

const get = async (path: string, token?: string) => fetch(`${t.app.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const urlOf = (c: Case, attachmentId = c.attachments[0].id) => `/cases/${toGlobalId('Case', c.id)}/photos/${attachmentId}`;

it('serves the photo to an officer of the handling unit, with headers that keep it an image', async () => {
  const res = await get(urlOf(inA), await t.app.login('offA1'));
  expect(res.status).toBe(200);
  expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
  expect(res.headers.get('content-type')).toBe('image/png');
  expect(res.headers.get('content-length')).toBe(String(PNG.length));
  expect(res.headers.get('content-disposition')).toBe(`inline; filename*=UTF-8''${encodeURIComponent('墙体_裂缝.png')}`);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('cache-control')).toBe('private');
  expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
  // Supervisors above see it too.
  expect((await get(urlOf(inA), await t.app.login('supA'))).status).toBe(200);
});

it('answers 404 to an officer of another county, exactly as for a case that does not exist', async () => {
  const token = await t.app.login('offB');
  const outside = await get(urlOf(inA), token);
  const missing = await get(`/cases/${toGlobalId('Case', 999_999)}/photos/${inA.attachments[0].id}`, token);
  expect(outside.status).toBe(404);
  expect(missing.status).toBe(404);
  expect(await outside.text()).toBe(await missing.text());
  // …while their own county's photo is theirs.
  expect((await get(urlOf(inB), token)).status).toBe(200);
});

it('answers 401 without a token or with a bad one', async () => {
  const none = await get(urlOf(inA));
  expect(none.status).toBe(401);
  expect(none.headers.get('www-authenticate')).toBe('Bearer');
  expect(((await none.json()) as { error: string }).error).toMatch(/Authorization: Bearer/);
  expect((await get(urlOf(inA), 'not-a-token')).status).toBe(401);
  // The token is taken from the header only, never from the query string.
  expect((await get(`${urlOf(inA)}?token=${await t.app.login('offA1')}`)).status).toBe(401);
});

it('refuses ids that are not attachment ids before touching the file system', async () => {
  const token = await t.app.login('offA1');
  const caseId = toGlobalId('Case', inA.id);
  for (const id of ['..%2F..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', '..%5C..%5Cwin.ini', 'x'.repeat(300), `${inA.attachments[0].id}.png`]) {
    const res = await get(`/cases/${caseId}/photos/${id}`, token);
    expect([400, 404]).toContain(res.status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  }
  expect((await get(`/cases/..%2F..%2F/photos/${inA.attachments[0].id}`, token)).status).toBe(400);
  expect((await get(`/cases/${caseId}/photos/..%2F..%2Fetc%2Fpasswd`, token)).status).toBe(400);
});

it('answers 404 for a photo of another case, even one the officer may read', async () => {
  const own = await reportWithPhoto('contact-photo-a02', '南通村', { name: 'c.png', mimeType: 'image/png', bytes: PNG });
  const token = await t.app.login('offA1');
  expect((await get(urlOf(own), token)).status).toBe(200);
  expect((await get(urlOf(inA, own.attachments[0].id), token)).status).toBe(404);
  expect((await get(urlOf(inA, inB.attachments[0].id), token)).status).toBe(404);
});

it('gives the route in Attachment.url over GraphQL', async () => {
  const token = await t.app.login('offA1');
  const res = await t.app.gql(`{ case(number: "${inA.number}") { attachments { id url } } }`, {}, token);
  expect(res.errors).toBeUndefined();
  expect(res.data.case.attachments).toEqual([{ id: inA.attachments[0].id, url: urlOf(inA) }]);
  const fetched = await get(res.data.case.attachments[0].url, token);
  expect(Buffer.from(await fetched.arrayBuffer())).toEqual(PNG);
});

it('serves a file recorded on a trail entry of the case, inert even when it is a page', async () => {
  const id = randomUUID();
  const html = Buffer.from('<script>alert(1)</script>');
  await writeFile(path.join(t.app.uploadsDir, id), html);
  await t.db.orm.em.fork().transactional(async (em) => {
    const c = await em.findOneOrFail(Case, { id: inA.id });
    const attachments = [{ id, name: 'report.html', mimeType: 'text/html', size: html.length, addedAt: now.toISOString() }];
    await appendEvents(em, c, [{ type: CaseEventType.NOTE, note: '附件', data: { attachments } }], now);
  });
  const token = await t.app.login('offA1');
  const res = await t.app.gql(`{ case(number: "${inA.number}") { events { edges { node { attachments { id url } } } } } }`, {}, token);
  const listed = res.data.case.events.edges.flatMap((e: any) => e.node.attachments);
  expect(listed).toEqual([{ id, url: urlOf(inA, id) }]);
  const fetched = await get(urlOf(inA, id), token);
  expect(fetched.status).toBe(200);
  expect(fetched.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  // Not on another case's trail.
  expect((await get(urlOf(inB, id), await t.app.login('offB'))).status).toBe(404);
});

it('answers 404 for a document recorded by its details only (no file stored)', async () => {
  const token = await t.app.login('offA1');
  const res = await t.app.gql(
    `mutation($i: AddCaseNoteInput!) { addCaseNote(input: $i) { case { attachments { name url } } } }`,
    { i: { id: toGlobalId('Case', inA.id), note: '已签署保证书', attachments: [{ name: '保证书.pdf', mimeType: 'application/pdf', size: 1000 }] } },
    token,
  );
  expect(res.errors).toBeUndefined();
  const doc = res.data.addCaseNote.case.attachments.find((a: { name: string }) => a.name === '保证书.pdf');
  expect(doc.url).toMatch(/^\/cases\/[^/]+\/photos\/[0-9a-f-]{36}$/);
  expect((await get(doc.url, token)).status).toBe(404);
});

describe('an officer adds a photo from the phone (POST /cases/:id/photos)', () => {
  const post = (c: Case, body: Buffer, token?: string, type = 'image/jpeg', query = '') =>
    fetch(`${t.app.url}/cases/${toGlobalId('Case', c.id)}/photos${query}`, {
      method: 'POST',
      headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: new Uint8Array(body),
    });

  it('stores it, records it on the trail as a note with the photo, and serves it back', async () => {
    const token = await t.app.login('offA1');
    const res = await post(inA, JPEG, token, 'image/jpeg', `?note=${encodeURIComponent('整改后现场')}`);
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.attachment).toMatchObject({ mimeType: 'image/jpeg', size: JPEG.length, url: expect.stringMatching(/^\/cases\/.+\/photos\/[0-9a-f-]{36}$/) });
    expect(typeof body.version).toBe('number');
    const back = await get(body.attachment.url, token);
    expect(back.status).toBe(200);
    expect(Buffer.from(await back.arrayBuffer())).toEqual(JPEG);

    const trail = await t.app.gql(
      'query($id: ID!) { node(id: $id) { ... on Case { version attachments { id } events(last: 1) { edges { node { type note actor { name } } } } } } }',
      { id: toGlobalId('Case', inA.id) },
      token,
    );
    expect(trail.data.node.version).toBe(body.version);
    expect(trail.data.node.attachments.map((a: { id: string }) => a.id)).toContain(body.attachment.id);
    expect(trail.data.node.events.edges[0].node).toEqual({ type: 'NOTE', note: '整改后现场', actor: { name: 'offA1' } });
    // The uploads ledger knows the file, attached to the case, so no sweep takes it for an orphan.
    const [row] = await t.db.orm.em.fork().execute('select case_id from chat_uploads where id = ?', [body.attachment.id]);
    expect(row.case_id).toBe(inA.id);
  });

  it('refuses what is not a photo, cases out of reach and missing tokens, leaving nothing behind', async () => {
    const before = await t.db.orm.em.fork().execute('select count(*)::int as n from chat_uploads');
    const token = await t.app.login('offA1');
    // A page that calls itself a JPEG is still a page.
    const fake = await post(inA, Buffer.from('<html><script>alert(1)</script></html>'), token);
    expect(fake.status).toBe(415);
    expect((await fake.json()).error).toMatch(/JPEG, PNG or WebP/);
    expect((await post(inB, JPEG, token)).status).toBe(404);
    expect((await post(inA, JPEG)).status).toBe(401);
    expect((await post(inA, JPEG, token, 'image/jpeg', `?note=${'长'.repeat(201)}`)).status).toBe(400);
    // A body larger than any photo is refused before it is read.
    const huge = await post(inA, Buffer.alloc(30 * 1024 * 1024, 0xff), token);
    expect(huge.status).toBe(413);
    const after = await t.db.orm.em.fork().execute('select count(*)::int as n from chat_uploads');
    expect(after[0].n).toBe(before[0].n);
  });
});
