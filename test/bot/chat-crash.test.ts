import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { useDataDir, type RunningServer } from '../support/server-process';

/*
 * The compiled server killed with SIGKILL in the middle of a burst of chat reports, then started
 * again on the same DATA_DIR: every report a resident was told the number of is there exactly
 * once, and the platform redelivering the burst's messages files nothing twice.
 */

const ENV = { CHAT_NEW_CONTACTS_PER_HOUR_PER_IP: '100000', CHAT_RATE_PER_MINUTE: '1000' };
const REPORTS = 200;
const STEPS = ['反映', '1', '磁窑村', '两家因为排水沟堵塞吵了起来，需要调解', '匿名', '1'];

const data = useDataDir('chat-crash-');

interface Sent {
  contact: string;
  id: string;
  text: string;
  /** Undefined when the server died before it answered. */
  replies?: string[];
}

async function send(s: RunningServer, m: Pick<Sent, 'contact' | 'id' | 'text'>): Promise<string[]> {
  const res = await fetch(`${s.url}/chat/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: m.contact, name: '群众', text: m.text, id: m.id }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { replies: string[] }).replies;
}

const numberIn = (replies?: string[]) => (replies ? /已提交，案件编号 (SL\d{12})/.exec(replies.join('\n'))?.[1] : undefined);

/** Cases of the burst's contacts, read straight from the embedded database. */
async function casesByContact(): Promise<Map<string, string[]>> {
  const { password } = JSON.parse(readFileSync(path.join(data.dir, 'embedded-credentials.json'), 'utf8')) as { password: string };
  const port = Number(readFileSync(path.join(data.dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'sanling' });
  await client.connect();
  try {
    const { rows } = await client.query<{ contact: string; number: string }>(
      `select r.external_id as contact, c.number from cases c join residents r on r.id = c.reporter_id where r.external_id like 'crash-%'`,
    );
    const map = new Map<string, string[]>();
    for (const r of rows) map.set(r.contact, [...(map.get(r.contact) ?? []), r.number]);
    return map;
  } finally {
    await client.end();
  }
}

it('keeps every numbered report exactly once across a kill -9 mid-burst, and redeliveries file nothing new', async () => {
  const first = await data.start(ENV);
  const sent: Sent[] = [];
  let numbered = 0;
  let killedAt: number | undefined;
  const contacts = Array.from({ length: REPORTS }, (_, i) => `crash-${String(i).padStart(4, '0')}-contact`);
  let next = 0;
  // Six residents at a time, each through the whole dialog; the server dies once 70 have their number.
  const worker = async () => {
    while (next < contacts.length && first.proc.exitCode === null) {
      const contact = contacts[next++];
      for (const [step, text] of STEPS.entries()) {
        const m: Sent = { contact, id: `${contact}-m${step}`, text };
        sent.push(m);
        try {
          m.replies = await send(first, m);
        } catch {
          return; // the server is gone
        }
        if (numberIn(m.replies) && ++numbered === 70 && killedAt === undefined) {
          killedAt = numbered;
          first.proc.kill('SIGKILL');
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  await first.exited;
  const told = new Map(sent.filter((m) => numberIn(m.replies)).map((m) => [m.contact, numberIn(m.replies)!]));
  const unanswered = sent.filter((m) => !m.replies);

  const restarted = await data.start(ENV);
  const cases = await casesByContact();
  const total = [...cases.values()].reduce((n, l) => n + l.length, 0);
  console.log(
    `chat crash: ${told.size} reports had their number before the kill -9, ${unanswered.length} messages were in flight, ${total} cases in the database after the restart`,
  );
  expect(told.size).toBeGreaterThanOrEqual(70);
  expect(told.size).toBeLessThan(REPORTS);
  for (const [contact, number] of told) expect(cases.get(contact)).toEqual([number]);
  for (const list of cases.values()) expect(list).toHaveLength(1);

  // The platform redelivers every message that was answered: the same answers, nothing filed again.
  const answered = sent.filter((m) => m.replies);
  let same = 0;
  for (let i = 0; i < answered.length; i += 8) {
    await Promise.all(
      answered.slice(i, i + 8).map(async (m) => {
        expect(await send(restarted, m)).toEqual(m.replies);
        same++;
      }),
    );
  }
  const afterAnswered = await casesByContact();
  expect([...afterAnswered.values()].reduce((n, l) => n + l.length, 0)).toBe(total);

  // And those it never answered: each is handled once now (or found done), still one case per resident at most.
  for (const m of unanswered) {
    const replies = await send(restarted, m);
    expect(replies.length).toBeGreaterThan(0);
    const number = numberIn(replies);
    if (number) expect((await casesByContact()).get(m.contact)).toEqual([number]);
  }
  const finalCases = await casesByContact();
  for (const list of finalCases.values()) expect(list).toHaveLength(1);
  const finalTotal = [...finalCases.values()].reduce((n, l) => n + l.length, 0);
  console.log(
    `chat crash: ${same} answered messages redelivered with identical answers; cases ${total} → ${total} after them, ${finalTotal} once the ${unanswered.length} in-flight messages were retried`,
  );
}, 180_000);
