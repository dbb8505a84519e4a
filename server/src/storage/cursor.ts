import { InvalidCursorError } from './types';

/** Where the previous history page stopped: its last call's (createdAt, id). */
export interface HistoryPosition {
  createdAt: number;
  id: string;
}

const PREFIX = 'h1';
const MAX_CURSOR_LENGTH = 256;

/** Opaque to callers: base64url of `h1:<createdAt>:<id>`. */
export function encodeCursor(position: HistoryPosition): string {
  return Buffer.from(`${PREFIX}:${position.createdAt}:${position.id}`, 'utf8').toString('base64url');
}

/** Throws InvalidCursorError for anything encodeCursor could not have produced. */
export function decodeCursor(cursor: string): HistoryPosition {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) {
    throw new InvalidCursorError();
  }
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError();
  const buf = Buffer.from(cursor, 'base64url');
  // Node decodes leniently; only the canonical spelling of the bytes is accepted.
  if (buf.toString('base64url') !== cursor) throw new InvalidCursorError();
  const text = buf.toString('utf8');
  const match = /^h1:(0|[1-9]\d{0,15}):([^\s]{1,64})$/.exec(text);
  if (!match) throw new InvalidCursorError();
  const createdAt = Number(match[1]);
  if (!Number.isSafeInteger(createdAt)) throw new InvalidCursorError();
  return { createdAt, id: match[2]! };
}
