import http from 'node:http';
import { loadConfig } from '../../src/config';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDb, type TestDb } from '../support/db';
import { buildWorld } from '../support/fixture';

/*
 * Every per-address limit counts the address the request came from: X-Forwarded-For only when it
 * came from a proxy named in TRUST_PROXY, and an IPv6 /64 as one address.
 */

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  await buildWorld(db.orm.em.fork());
});
afterAll(() => db?.drop());

async function withApp(env: Record<string, string>, run: (app: TestApp) => Promise<void>) {
  const app = await startTestApp(db, undefined, env);
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

async function wrongLogin(app: TestApp, phone: string, forwardedFor: string) {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ query: `mutation { login(input: {phone: "${phone}", password: "not-the-password"}) { token } }` }),
  });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return body.errors?.[0]?.extensions?.code;
}

let contactSeq = 0;
async function newContact(app: TestApp, forwardedFor: string): Promise<number> {
  contactSeq += 1;
  const res = await fetch(`${app.url}/chat/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ from: `address-test-${String(contactSeq).padStart(4, '0')}`, name: '张三', text: '你好' }),
  });
  await res.text();
  return res.status;
}

describe('without TRUST_PROXY (the default)', () => {
  it('counts failed logins per connecting address, whatever X-Forwarded-For says', async () => {
    await withApp({ LOGIN_ADDRESS_MAX_FAILURES: '5' }, async (app) => {
      const codes: (string | undefined)[] = [];
      // A fresh phone and a fresh forwarded address each time: only the real address ties them.
      for (let i = 0; i < 7; i++) codes.push(await wrongLogin(app, `1390000${String(100 + i).padStart(4, '0')}`, `198.51.100.${i + 1}`));
      expect(codes.slice(0, 5)).toEqual(Array(5).fill('UNAUTHENTICATED'));
      expect(codes.slice(5)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    });
  });

  it('counts new chat contacts per connecting address, whatever X-Forwarded-For says', async () => {
    await withApp({ CHAT_NEW_CONTACTS_PER_HOUR_PER_IP: '3' }, async (app) => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push(await newContact(app, `198.51.100.${50 + i}`));
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    });
  });

  it('admits one photo body at a time per connecting address, whatever X-Forwarded-For says', async () => {
    await withApp({}, async (app) => {
      const { port } = new URL(app.url);
      // A photo body that arrives slowly: its place in the budget is held meanwhile.
      const body = JSON.stringify({ from: 'slow-photo-contact', text: null, image: { mimeType: 'image/jpeg', data: 'A'.repeat(200_000) } });
      const slow = http.request({
        host: '127.0.0.1',
        port,
        path: '/chat/api/messages',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-forwarded-for': '198.51.100.70' },
      });
      slow.on('error', () => undefined);
      slow.write(body.slice(0, 1000));
      await new Promise((r) => setTimeout(r, 200));
      const second = await fetch(`${app.url}/chat/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.71' },
        body: JSON.stringify({ from: 'other-photo-contact', text: null, image: { mimeType: 'image/jpeg', data: 'A'.repeat(200_000) } }),
      });
      expect(second.status).toBe(503);
      expect(second.headers.get('retry-after')).toBe('5');
      slow.destroy();
    });
  });
});

describe('with TRUST_PROXY naming the proxy', () => {
  it('takes the forwarded address from the proxy and records it', async () => {
    await withApp({ TRUST_PROXY: '127.0.0.1', LOGIN_ADDRESS_MAX_FAILURES: '3' }, async (app) => {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 4; i++) codes.push(await wrongLogin(app, `1390000${String(200 + i).padStart(4, '0')}`, '203.0.113.7'));
      expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
      // Another client behind the same proxy has its own count.
      expect(await wrongLogin(app, '13900000300', '203.0.113.8')).toBe('UNAUTHENTICATED');
      const [row] = await db.orm.em
        .fork()
        .getConnection()
        .execute<{ client_address: string }[]>(`select client_address from login_attempts where phone = '13900000300'`);
      expect(row.client_address).toBe('203.0.113.8');
    });
  });

  it('counts an IPv6 /64 as one address for new chat contacts, and another /64 apart', async () => {
    await withApp({ TRUST_PROXY: '127.0.0.1', CHAT_NEW_CONTACTS_PER_HOUR_PER_IP: '3' }, async (app) => {
      const statuses: number[] = [];
      for (const ip of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:aaaa::3', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:3::1']) {
        statuses.push(await newContact(app, ip));
      }
      expect(statuses).toEqual([200, 200, 200, 429, 200]);
    });
  });
});

describe('TRUST_PROXY itself', () => {
  it('refuses what is not an address, a CIDR or a known name, naming it', async () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, fd00::/8, loopback' }).trustProxy).toEqual(['10.0.0.0/8', 'fd00::/8', 'loopback']);
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY: "10.0.0.0\/33" is not an address/);
    expect(() => loadConfig({ TRUST_PROXY: 'nginx' })).toThrow(/TRUST_PROXY: "nginx"/);
  });
});
