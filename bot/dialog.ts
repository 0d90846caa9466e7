import { ReturnVisitResult, type Attachment, type CaseKind } from '../src/entities';

/** What the bot remembers between messages of one contact (stored as JSON in chat_sessions). */
export interface Draft {
  kind?: CaseKind;
  unitId?: number;
  place?: string;
  townshipId?: number;
  description?: string;
  photos: Attachment[];
  phone?: string | null;
  anonymous?: boolean;
}

export type DialogState =
  | { step: 'idle' }
  | { step: 'offer'; draft: Draft }
  | { step: 'kind'; draft: Draft }
  | { step: 'place'; draft: Draft }
  | { step: 'placeChoice'; draft: Draft; options: { id: number; name: string; township: string | null }[] }
  | { step: 'township'; draft: Draft }
  | { step: 'description'; draft: Draft }
  | { step: 'phone'; draft: Draft }
  | { step: 'confirm'; draft: Draft }
  /** Several cases wait for the return visit: the answer `result` was given, the case is asked for. */
  | { step: 'visitChoice'; result: ReturnVisitResult; options: { id: number; number: string; title: string }[] };

export const IDLE: DialogState = { step: 'idle' };

/** Reads a stored state defensively: anything unexpected becomes idle. */
export function parseState(raw: unknown): DialogState {
  if (!raw || typeof raw !== 'object') return IDLE;
  const s = raw as { step?: unknown; draft?: unknown; result?: unknown; options?: unknown };
  if (s.step === 'visitChoice') {
    const valid =
      Object.values(ReturnVisitResult).includes(s.result as ReturnVisitResult) &&
      Array.isArray(s.options) &&
      s.options.length > 0 &&
      s.options.every(
        (o: { id?: unknown; number?: unknown; title?: unknown }) => typeof o?.id === 'number' && typeof o.number === 'string' && typeof o.title === 'string',
      );
    return valid ? (raw as DialogState) : IDLE;
  }
  const steps = ['idle', 'offer', 'kind', 'place', 'placeChoice', 'township', 'description', 'phone', 'confirm'];
  if (typeof s.step !== 'string' || !steps.includes(s.step)) return IDLE;
  if (s.step !== 'idle' && (!s.draft || typeof s.draft !== 'object' || !Array.isArray((s.draft as Draft).photos))) return IDLE;
  return raw as DialogState;
}
