import net from 'node:net';
import { useWorldApp } from '../support/app';
import { chat } from '../support/chat';

/*
 * Slow senders against the photo budget: three sockets from three addresses declare large bodies and
 * send one byte a second. Bodies larger than any photo are answered 413 unread; the one that fits is
 * admitted and cut off once it falls below the minimum rate; another resident's photo is accepted
 * while they try.
 */

const t = useWorldApp();

interface SlowSender {
  /** The status line of the answer, if any came. */
  answer: Promise<string | undefined>;
  /** When the server closed the connection (ms after it was opened). */
  closedAfter: Promise<number>;
  stop: () => void;
}

function slowSender(port: number, localAddress: string, declared: number): SlowSender {
  const started = Date.now();
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  socket.on('error', () => undefined);
  let received = '';
  socket.on('data', (d) => (received += d.toString('latin1')));
  const closedAfter = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
  socket.write(`POST /chat/api/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n{`);
  const drip = setInterval(() => socket.write(' '), 1000);
  closedAfter.finally(() => clearInterval(drip));
  return {
    answer: closedAfter.then(() => /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]),
    closedAfter,
    stop: () => {
      clearInterval(drip);
      socket.destroy();
    },
  };
}

const say = (from: string, text: string | null, extra: Record<string, unknown> = {}) => chat(t.app.url, from, text, extra);

it('answers bodies larger than a photo at once, cuts off a slow one, and takes another resident’s photo meanwhile', async () => {
  const port = Number(new URL(t.app.url).port);
  // Together more than the 32 MB budget, as three slow clients once held it.
  const senders = [slowSender(port, '127.0.0.2', 14_000_000), slowSender(port, '127.0.0.3', 14_000_000), slowSender(port, '127.0.0.4', 5_500_000)];
  try {
    await new Promise((r) => setTimeout(r, 500));
    const resident = 'slow-upload-resident-01';
    await say(resident, '反映');
    await say(resident, '2');
    await say(resident, '磁窑村');
    const photo = await say(resident, null, { image: { name: 'a.jpg', mimeType: 'image/jpeg', data: Buffer.alloc(100 * 1024, 7).toString('base64') } });
    expect(photo.status).toBe(200);
    expect(photo.replies.join('')).toMatch(/照片已收到/);

    expect(await senders[0].answer).toBe('413');
    expect(await senders[1].answer).toBe('413');
    // The one that fits is cut off within seconds of falling below the minimum rate, not after Node's 300 s.
    const [status, closedAfter] = await Promise.all([senders[2].answer, senders[2].closedAfter]);
    expect(status).toBe('408');
    expect(closedAfter).toBeLessThan(15_000);
    // Its bytes are back in the budget: the next photo is admitted.
    const after = await say('slow-upload-resident-02', null, {
      image: { name: 'b.jpg', mimeType: 'image/jpeg', data: Buffer.alloc(100 * 1024, 7).toString('base64') },
    });
    expect(after.status).toBe(200);
  } finally {
    for (const s of senders) s.stop();
  }
}, 60_000);
