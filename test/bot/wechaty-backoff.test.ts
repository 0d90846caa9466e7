import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import PuppetMock, { mock } from 'wechaty-puppet-mock';
import { ConversationEngine } from '../../bot/engine';
import { WechatyAdapter } from '../../bot/wechaty.adapter';
import { logger } from '../../src/logger';
import { createTestDb, type TestDb } from '../support/db';

/*
 * The real adapter, the real wechaty and a real puppet, with WeChat unreachable.
 *
 * Which puppet: wechaty-puppet-wechat4u, the one that floods. When a login fails, wechat4u announces a
 * logout and the puppet starts it again on the spot, so offline it loops with no pause (with DNS failing
 * as on this intranet: ~200 attempts and ~6,300 log lines in 75 s; with a refused connection ~270 attempts
 * a second). wechaty-puppet-service with a closed endpoint does not reproduce it: it gives up after one
 * failed start and stays stopped.
 * How WeChat is made unreachable, on any machine, online or not: wechat4u speaks HTTPS through axios, which
 * honours HTTPS_PROXY. The proxy here, on 127.0.0.1, is an intranet proxy that reaches nothing: it notes
 * each CONNECT and answers 502 Bad Gateway. Every login attempt fails at once (the fastest loop: the flood
 * at its worst), and the proxy counts the attempts that really went out, independently of the adapter.
 * (A proxy that just hangs up is no good: axios 1.21 then never settles the request, not even at its timeout.)
 */

let db: TestDb;
let engine: ConversationEngine;
const memoryDir = mkdtempSync(path.join(os.tmpdir(), 'sanling-wechaty-'));
let seq = 0;
const adapters: WechatyAdapter[] = [];

/** Every call of the logger, by level (the spies replace it: nothing is printed). */
let logged: { level: string; args: unknown[] }[] = [];
/** What else reaches the console (wechaty's own logger, or wechat4u's handler of uncaught exceptions). */
let consoled: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  engine = new ConversationEngine({ orm: db.orm, clock: { now: () => new Date() }, uploadsDir: path.join(__dirname, '../../.data/test-uploads') });
});
beforeEach(() => {
  logged = [];
  consoled = [];
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void logged.push({ level, args }));
  }
  for (const method of ['log', 'warn', 'error'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoled.push(args.map(String).join(' ')));
  }
});
afterEach(async () => {
  await Promise.all(adapters.splice(0).map((a) => a.stop()));
  jest.restoreAllMocks();
});
afterAll(async () => {
  await db?.drop();
  rmSync(memoryDir, { recursive: true, force: true });
});

function adapter(puppet: string | object, options: { retryInitialMs?: number; retryMaxMs?: number; attemptTimeoutMs?: number } = {}): WechatyAdapter {
  // The memory card (wechaty's session file) goes to a directory of the test's own, not the working directory.
  const a = new WechatyAdapter({ engine, orm: db.orm, clock: { now: () => new Date() }, name: path.join(memoryDir, `bot-${++seq}`), puppet, ...options });
  adapters.push(a);
  return a;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

/** A log call as one line of text, the way the logger would print it. */
function text(call: { args: unknown[] }): string {
  return call.args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? `${a.message}\n${a.stack}` : JSON.stringify(a))).join(' ');
}

/** An HTTPS proxy that reaches nothing: it records each request's target (host:port of a CONNECT) and answers 502. */
async function deadProxy(): Promise<{ server: Server; port: number; requests: { at: number; target: string }[] }> {
  const requests: { at: number; target: string }[] = [];
  const server = createServer((socket: Socket) => {
    let head = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n');
      if (end < 0) return;
      requests.push({ at: Date.now(), target: head.slice(0, end).split(' ')[1] ?? '' });
      socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, requests };
}

/** Where wechat4u asks for a login QR code: each attempt starts there. */
const LOGIN = 'login.wx.qq.com:443';
const PROXY_VARS = ['https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'] as const;

it('backs off while WeChat is unreachable: ~6 attempts in a minute, one log line, the state in status()', async () => {
  const proxy = await deadProxy();
  const saved = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]));
  process.env.https_proxy = process.env.HTTPS_PROXY = `http://127.0.0.1:${proxy.port}`;
  delete process.env.no_proxy;
  delete process.env.NO_PROXY;
  try {
    const crashHandlers = process.listeners('uncaughtException');
    const wechat = adapter('wechaty-puppet-wechat4u'); // the defaults: 1 s, doubling, up to 5 min
    const t0 = Date.now();
    await wechat.start();
    // wechat4u's handler that would swallow every uncaught exception of the server is gone again.
    expect(process.listeners('uncaughtException')).toEqual(crashHandlers);
    // start() returns at once, with the first attempt under way or failed; the next ones run in the background.
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(['starting', 'down']).toContain(wechat.status().state);

    await new Promise((r) => setTimeout(r, 60_000 - (Date.now() - t0)));
    const logins = proxy.requests.filter((r) => r.target === LOGIN);
    const status = wechat.status();
    const lines = logged.map(text);
    console.info(
      `wechat4u unreachable for 60 s: ${logins.length} login attempts reached the network (${proxy.requests.length} requests in all), ` +
        `${logged.length} log lines:\n${lines.join('\n')}\nstatus: ${JSON.stringify(status)}`,
    );

    // 0, 1, 3, 7, 15, 31 s (the 7th would be at 63 s); generous either way for a slow machine, but a flood fails it.
    expect(logins.length).toBeGreaterThanOrEqual(4);
    expect(logins.length).toBeLessThanOrEqual(8);
    // The attempts really are spaced out, each wait double the one before.
    const gaps = logins.slice(1).map((r, i) => r.at - logins[i].at);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(1000 * 2 ** i * 0.9);
      expect(gap).toBeLessThan(1000 * 2 ** i + 5000);
    });

    // One line when the channel went down; the reason never changed, so nothing more. No stack traces.
    expect(logged.length).toBeLessThanOrEqual(logins.length + 2);
    expect(logged.filter((c) => c.level === 'warn' || c.level === 'error')).toHaveLength(1);
    expect(lines[0]).toMatch(/WeChat: down \(.+\) after 1 failed attempt; retrying in 1 s, backing off up to 5 min/);
    expect(logged[0].args[0]).toMatchObject({ channel: 'wechat', attempts: 1, reason: expect.any(String) });
    expect(logged.flatMap((c) => c.args).some((a) => a instanceof Error)).toBe(false);
    expect(lines.some((l) => /\n\s+at /.test(l))).toBe(false);
    expect(consoled.filter((l) => /uncaught|TypeError|\n\s+at /i.test(l))).toEqual([]);

    // Down since the first failure, why, how many attempts, and when the next one is.
    expect(status).toEqual({
      channel: 'wechat',
      state: 'down',
      since: expect.any(String),
      attempts: expect.any(Number),
      reason: 'Request failed with status code 502',
      nextAttemptAt: expect.any(String),
    });
    expect(Math.abs(Date.parse(status.since) - logins[0].at)).toBeLessThan(2000);
    expect(Math.abs(status.attempts - logins.length)).toBeLessThanOrEqual(1);
    expect(Date.parse(status.nextAttemptAt!)).toBeGreaterThan(Date.now());

    // Stopped during the wait for the next attempt: the attempt is cancelled, nothing goes out any more.
    await wechat.stop();
    const after = proxy.requests.filter((r) => r.target === LOGIN).length;
    expect(wechat.status()).toMatchObject({ state: 'down', reason: 'stopped' });
    expect(wechat.status().nextAttemptAt).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1500));
    expect(proxy.requests.filter((r) => r.target === LOGIN)).toHaveLength(after);
  } finally {
    for (const k of PROXY_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await new Promise((r) => proxy.server.close(r));
  }
}, 85_000);

/** The mock puppet, counting its starts; `afterStart` runs after each (to make that start fail, say). */
function countingPuppet(afterStart: (puppet: PuppetMock) => void = () => undefined) {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const counted = { mocker, puppet, starts: 0 };
  const onStart = puppet.onStart.bind(puppet);
  puppet.onStart = async () => {
    counted.starts++;
    await onStart();
    afterStart(puppet);
  };
  return counted;
}

it('comes up after failed attempts when a login succeeds: attempts back to 0, one line down and one line up', async () => {
  // The mock puppet made unreachable for its first 3 starts: right after starting it reports the
  // connection error wechat4u reports offline.
  let failures = 3;
  const m = countingPuppet((puppet) => {
    if (failures-- > 0) setImmediate(() => puppet.emit('error', { gerror: 'connect ECONNREFUSED 10.0.0.1:443' }));
  });
  const { mocker } = m;
  const wechat = adapter(m.puppet, { retryInitialMs: 50, retryMaxMs: 100 });
  await wechat.start();
  // 50, 100, 100 ms later the attempts 2, 3 and 4; the 4th connects.
  await until(() => m.starts === 4);
  expect(wechat.status()).toMatchObject({ state: 'down', attempts: 3, reason: 'connect ECONNREFUSED 10.0.0.1:443' });
  expect(wechat.channel.ready!()).toBe(false);

  const loggedIn = new Promise((resolve) => wechat.bot.once('login', resolve));
  const before = Date.now();
  mocker.login(mocker.createContact({ name: '三零服务' }));
  await loggedIn;
  const status = wechat.status();
  expect(status).toEqual({ channel: 'wechat', state: 'up', since: expect.any(String), attempts: 0 });
  expect(Date.parse(status.since)).toBeGreaterThanOrEqual(before - 5);
  expect(wechat.channel.ready!()).toBe(true);

  expect(logged.filter((c) => c.level !== 'debug').map(text)).toEqual([
    expect.stringMatching(/WeChat: down \(connect ECONNREFUSED 10\.0\.0\.1:443\) after 1 failed attempt; retrying in 50 ms, backing off up to 100 ms$/),
    expect.stringMatching(/WeChat: up, logged in as 三零服务 after 3 failed attempts$/),
  ]);
  expect(logged.find((c) => c.level === 'info')!.args[0]).toEqual({ channel: 'wechat', attempts: 3 });
});

it('cancels the pending retry when stopped during the wait', async () => {
  const m = countingPuppet((puppet) => setImmediate(() => puppet.emit('error', { gerror: 'getaddrinfo ENOTFOUND login.wx.qq.com' })));
  const wechat = adapter(m.puppet, { retryInitialMs: 200 });
  await wechat.start();
  await until(() => wechat.status().state === 'down');
  expect(wechat.status()).toMatchObject({ attempts: 1, nextAttemptAt: expect.any(String) });
  await wechat.stop();
  await new Promise((r) => setTimeout(r, 400));
  expect(m.starts).toBe(1);
  expect(wechat.status()).toMatchObject({ state: 'down', attempts: 1, reason: 'stopped' });
  expect(wechat.status().nextAttemptAt).toBeUndefined();
});

it('counts an attempt that never hears from WeChat as failed (a proxy that hangs), and tries again', async () => {
  // Starts, then nothing: no QR code, no login, no error — as wechat4u behind a proxy that never answers.
  const m = countingPuppet();
  const { mocker } = m;
  const wechat = adapter(m.puppet, { attemptTimeoutMs: 300, retryInitialMs: 100, retryMaxMs: 100 });
  const t0 = Date.now();
  await wechat.start();
  expect(wechat.status().state).toBe('starting');
  await until(() => wechat.status().state === 'down');
  expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  expect(wechat.status()).toMatchObject({ attempts: 1, reason: 'no answer from WeChat within 300 ms' });
  // The next attempt goes out after the back-off, and is given up on the same way.
  await until(() => m.starts >= 2 && wechat.status().attempts === 2);
  expect(logged.filter((c) => c.level === 'warn').map(text)).toEqual([
    expect.stringMatching(/WeChat: down \(no answer from WeChat within 300 ms\) after 1 failed attempt; retrying in 100 ms/),
  ]);
  // A login ends it: the watchdog of the attempt under way does not fire afterwards.
  const loggedIn = new Promise((resolve) => wechat.bot.once('login', resolve));
  await until(() => wechat.status().state !== 'down' || m.starts >= 3);
  mocker.login(mocker.createContact({ name: '三零服务' }));
  await loggedIn;
  await new Promise((r) => setTimeout(r, 500));
  expect(wechat.status()).toMatchObject({ state: 'up', attempts: 0 });
  await wechat.stop();
});
