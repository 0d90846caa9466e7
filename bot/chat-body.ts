import { StringDecoder } from 'node:string_decoder';
import type { Request } from 'express';

/** Why a body could not be read: the client's fault, answered with this status and message. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** A web chat message as sent, with the photo (image.data) already decoded from base64. */
export interface ChatBody {
  fields: Record<string, unknown>;
  /** The decoded bytes of `image.data`, when the body had one. */
  photo?: Buffer;
}

// Everything but the photo is a few short strings and numbers: more than this is not a chat message.
const MAX_OTHER_CHARS = 64 * 1024;
const MAX_DEPTH = 32;
const NOT_BASE64_CHAR = /[^A-Za-z0-9+/=_-]/;
const NOT_BASE64 = new RegExp(NOT_BASE64_CHAR.source, 'g');
const STRING_STOP = /["\\\u0000-\u001f]/g;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Decodes base64 that arrives in pieces into one buffer, without ever holding the text whole. */
class Base64Sink {
  private carry = '';
  private written = 0;
  private readonly out: Buffer;

  constructor(maxBytes: number) {
    this.out = Buffer.allocUnsafe(maxBytes);
  }

  write(text: string): void {
    // Line breaks and the like are left out, as Buffer.from(text, 'base64') does; most pieces have none.
    const chars = this.carry + (NOT_BASE64_CHAR.test(text) ? text.replace(NOT_BASE64, '') : text);
    const whole = chars.length - (chars.length % 4);
    this.carry = chars.slice(whole);
    if (whole) this.put(Buffer.from(chars.slice(0, whole), 'base64'));
  }

  end(): Buffer {
    if (this.carry) this.put(Buffer.from(this.carry, 'base64'));
    this.carry = '';
    return this.out.subarray(0, this.written);
  }

  private put(bytes: Buffer): void {
    // Cannot overflow: n base64 characters decode to at most 3n/4 bytes, and the body holds at most maxBytes × 4/3 of them.
    this.written += bytes.copy(this.out, this.written);
  }
}

type Container = { kind: 'object'; value: Record<string, unknown>; key: string | undefined } | { kind: 'array'; value: unknown[] };

/**
 * A streaming JSON reader for one object, fed text in pieces. Strings are scanned a run at a time
 * (not a character at a time), and the one string at `image.data` goes to a base64 decoder instead
 * of into memory as text. Answers what JSON.parse would, or throws BodyError.
 */
export class ChatBodyReader {
  private readonly stack: Container[] = [];
  private root: unknown;
  private done = false;
  /** What comes next outside a string. */
  private expect: 'value' | 'key' | 'colon' | 'comma' = 'value';
  /** Inside a string: its text so far (undefined for the photo), whether it is a key, a pending escape. */
  private inString = false;
  private text: string | undefined = '';
  private isKey = false;
  private escape = '';
  /** A number or true/false/null being read. */
  private bare = '';
  private otherChars = 0;
  private sink: Base64Sink | undefined;
  photo: Buffer | undefined;

  constructor(private readonly photoBytes: number) {}

  feed(chunk: string): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.inString) {
        i = this.readString(chunk, i);
        continue;
      }
      const ch = chunk[i];
      if (this.bare) {
        if (/[\w.+-]/.test(ch)) {
          this.bare += ch;
          this.count(1);
          i++;
          continue;
        }
        this.endBare();
      }
      i++;
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') continue;
      if (this.done) throw invalid();
      switch (this.expect) {
        case 'key':
          if (ch === '"') this.startString(true);
          else if (ch === '}' && this.top()?.kind === 'object' && Object.keys(this.top()!.value).length === 0) this.close('object');
          else throw invalid();
          break;
        case 'colon':
          if (ch !== ':') throw invalid();
          this.expect = 'value';
          break;
        case 'comma':
          if (ch === ',') this.expect = this.top()!.kind === 'object' ? 'key' : 'value';
          else if (ch === '}' || ch === ']') this.close(ch === '}' ? 'object' : 'array');
          else throw invalid();
          break;
        case 'value':
          if (ch === '"') this.startString(false);
          else if (ch === '{') this.open({ kind: 'object', value: {}, key: undefined });
          else if (ch === '[') this.open({ kind: 'array', value: [] });
          else if (ch === ']' && this.top()?.kind === 'array' && (this.top()!.value as unknown[]).length === 0) this.close('array');
          else if (/[-\dtfn]/.test(ch)) this.bare = ch;
          else throw invalid();
      }
    }
  }

  /** The object read, once the whole body has been fed. */
  end(): ChatBody {
    if (this.bare) this.endBare();
    if (!this.done || this.inString) throw invalid();
    if (typeof this.root !== 'object' || this.root === null || Array.isArray(this.root)) throw new BodyError(400, 'The body must be a JSON object');
    return { fields: this.root as Record<string, unknown>, photo: this.photo };
  }

  private top(): Container | undefined {
    return this.stack[this.stack.length - 1];
  }

  private count(n: number): void {
    if ((this.otherChars += n) > MAX_OTHER_CHARS) throw new BodyError(413, 'The message has too much text besides its photo');
  }

  private open(c: Container): void {
    if (this.stack.length >= MAX_DEPTH) throw new BodyError(400, 'The body is nested too deeply');
    this.stack.push(c);
    this.expect = c.kind === 'object' ? 'key' : 'value';
  }

  private close(kind: Container['kind']): void {
    const c = this.stack.pop();
    if (!c || c.kind !== kind) throw invalid();
    this.put(c.value);
  }

  /** A finished value goes into its container, or is the body itself. */
  private put(value: unknown): void {
    const c = this.top();
    if (!c) {
      this.root = value;
      this.done = true;
    } else if (c.kind === 'array') c.value.push(value);
    else {
      c.value[c.key!] = value;
      c.key = undefined;
    }
    this.expect = 'comma';
  }

  private startString(isKey: boolean): void {
    this.inString = true;
    this.isKey = isKey;
    const c = this.top();
    const isPhoto =
      !isKey &&
      this.stack.length === 2 &&
      c?.kind === 'object' &&
      c.key === 'data' &&
      this.stack[0].kind === 'object' &&
      this.stack[0].key === 'image' &&
      !this.sink;
    if (isPhoto) this.sink = new Base64Sink(this.photoBytes);
    this.text = isPhoto ? undefined : '';
  }

  /** Reads string content from `i`; answers where reading stopped. */
  private readString(chunk: string, i: number): number {
    if (this.escape) {
      this.escape += chunk[i];
      if (this.escape[1] === 'u' ? this.escape.length < 6 : this.escape.length < 2) return i + 1;
      const e = this.escape;
      this.escape = '';
      const ch = e[1] === 'u' ? (/^\\u[\da-fA-F]{4}$/.test(e) ? String.fromCharCode(parseInt(e.slice(2), 16)) : undefined) : ESCAPES[e[1]];
      if (ch === undefined) throw invalid();
      this.append(ch);
      return i + 1;
    }
    STRING_STOP.lastIndex = i;
    const stop = STRING_STOP.exec(chunk);
    const end = stop ? stop.index : chunk.length;
    if (end > i) this.append(chunk.slice(i, end));
    if (!stop) return chunk.length;
    const ch = chunk[end];
    if (ch === '\\') {
      this.escape = '\\';
      return end + 1;
    }
    if (ch !== '"') throw invalid();
    this.endString();
    return end + 1;
  }

  private append(piece: string): void {
    if (this.text === undefined) return this.sink!.write(piece);
    this.count(piece.length);
    this.text += piece;
  }

  private endString(): void {
    this.inString = false;
    if (this.text === undefined) {
      this.photo = this.sink!.end();
      return this.put('');
    }
    const text = this.text;
    this.text = '';
    if (!this.isKey) return this.put(text);
    // Keys land on plain objects: "__proto__" would change the object's prototype.
    if (text === '__proto__') throw new BodyError(400, 'The body has a key "__proto__"');
    (this.top() as { key: string | undefined }).key = text;
    this.expect = 'colon';
  }

  private endBare(): void {
    const word = this.bare;
    this.bare = '';
    let value: unknown;
    try {
      value = JSON.parse(word);
    } catch {
      throw invalid();
    }
    if (typeof value === 'string' || (typeof value === 'object' && value !== null)) throw invalid();
    this.put(value);
  }
}

const invalid = () => new BodyError(400, 'The body is not valid JSON');

/**
 * Reads a web chat message from the request as it arrives (ChatBodyReader): the photo's base64 text
 * is decoded chunk by chunk into a buffer of the photo's size. JSON.parse would hold the body
 * several times over (the raw bytes, the text, the parsed string, the decoded photo): under a flood
 * of photos that is where the memory went.
 */
export function readChatBody(req: Request, maxBodyBytes: number): Promise<ChatBody> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const limit = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, maxBodyBytes) : maxBodyBytes;
    const reader = new ChatBodyReader(Math.ceil((limit * 3) / 4));
    const decoder = new StringDecoder('utf8');
    let received = 0;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.removeAllListeners('data');
      // The rest is read and dropped, so the answer can still be sent on this connection.
      req.resume();
      reject(err instanceof BodyError ? err : new BodyError(400, 'The body could not be read'));
    };
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      received += chunk.length;
      try {
        if (received > maxBodyBytes) throw new BodyError(413, `The body is larger than ${maxBodyBytes} bytes`);
        reader.feed(decoder.write(chunk));
      } catch (err) {
        fail(err);
      }
    });
    req.on('end', () => {
      if (failed) return;
      try {
        reader.feed(decoder.end());
        resolve(reader.end());
      } catch (err) {
        fail(err);
      }
    });
    req.on('error', () => fail(new BodyError(400, 'The body was not received whole')));
  });
}
