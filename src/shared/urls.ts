import { toGlobalId } from './ids';

/*
 * The URLs the server answers besides GraphQL, built in one place: the routes serve them, and the
 * API hands them out (Attachment.url, WarningLetter.url).
 */

/** A case's photo or document: GET with the bearer token. */
export function photoUrl(caseId: number, attachmentId: string): string {
  return `/cases/${toGlobalId('Case', caseId)}/photos/${encodeURIComponent(attachmentId)}`;
}
export const PHOTO_ROUTE = '/cases/:caseId/photos/:attachmentId';
/** Where an officer POSTs a photo of a case (the raw image as the body, with the bearer token). */
export const PHOTO_UPLOAD_ROUTE = '/cases/:caseId/photos';

/** A printable warning letter: GET with the bearer token. */
export function letterUrl(id: number): string {
  return `/letters/${id}`;
}
export const LETTER_ROUTE = '/letters/:id';
