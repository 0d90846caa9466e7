/* What tests of the residents' chat share: one way to send a web chat message. */

let seq = 0;

export interface ChatAnswer {
  status: number;
  replies: string[];
  /** The last reply (what a dialog step asks or says last). */
  last: string;
}

/**
 * Sends a web chat message as a resident (POST /chat/api/messages) with a fresh message id, and
 * answers the status and replies. `extra` adds or overrides fields (an image, an id, a name).
 */
export async function chat(
  baseUrl: string,
  contact: string,
  text: string | null,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<ChatAnswer> {
  seq += 1;
  const res = await fetch(`${baseUrl}/chat/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ from: contact, name: '李四', text, id: `chat-${process.pid}-${seq}`, ...extra }),
  });
  const replies = ((await res.json()) as { replies?: string[] }).replies ?? [];
  return { status: res.status, replies, last: replies[replies.length - 1] };
}

/** The same, expecting the 200 of an answered message with at least one reply. */
export async function say(baseUrl: string, contact: string, text: string | null, extra: Record<string, unknown> = {}): Promise<string[]> {
  const answer = await chat(baseUrl, contact, text, extra);
  expect(answer.status).toBe(200);
  expect(answer.replies.length).toBeGreaterThan(0);
  return answer.replies;
}

/** The last of a message's replies. */
export const last = (replies: string[]) => replies[replies.length - 1];
