/*
 * The one rule for text that comes from outside (GraphQL arguments, CSV files, chat messages): C0
 * control characters and DEL are never meant (PostgreSQL cannot even store NUL), except tab and
 * line breaks in free text that may span lines; half of a UTF-16 surrogate pair is not a character
 * (UTF-8, and so the database, cannot hold it). Typed input is refused with the field named; chat
 * messages, which cannot be refused, are cleaned instead.
 */

/** A control character in one-line text (names, codes, phones, search terms). */
export const CONTROL_IN_LINE = /[\u0000-\u001f\u007f]/;
/** A control character in free text, where tab and line breaks are fine. */
export const CONTROL_IN_FREE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** Half of a surrogate pair. */
export const LONE_SURROGATE = /\p{Cs}/u;

/** What is wrong with a piece of typed text, as the end of a sentence naming it; undefined when nothing. */
export function textProblem(value: string, opts: { multiline?: boolean } = {}): string | undefined {
  if ((opts.multiline ? CONTROL_IN_FREE_TEXT : CONTROL_IN_LINE).test(value)) {
    return `contains a control character${opts.multiline ? ' (tab and line breaks are fine)' : ''}; remove it`;
  }
  if (LONE_SURROGATE.test(value)) return 'is not valid Unicode text (half of a surrogate pair)';
  return undefined;
}

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): invisible, they
 * make a stored text read differently from what it is (an RLO turns `txt.exe` around). Never needed
 * in Chinese or English text, so every text from outside is stored without them.
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, 'g');

/** The text without bidirectional controls (see BIDI_CONTROL). */
export function stripBidi(text: string): string {
  return BIDI_CONTROL.test(text) ? text.replace(BIDI_CONTROLS, '') : text;
}

// Controls but the line feed, and the invisible characters that reorder or hide text in a chat window.
const UNWANTED_IN_CHAT = /[\u0000-\u0009\u000b-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/** A chat message as PostgreSQL and a chat window can hold it: lone surrogates become U+FFFD, unwanted characters go. */
export function cleanChatText(text: string): string {
  return text.toWellFormed().replace(UNWANTED_IN_CHAT, '').trim();
}
