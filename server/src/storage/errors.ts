import { StorageConflictError } from './types';

/** What a driver error says about a constraint, on either engine. */
export type ConstraintKind = 'unique' | 'foreignKey';

/**
 * better-sqlite3 throws SqliteError with `code` SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY /
 * _FOREIGNKEY; pg throws DatabaseError with SQLSTATE 23505 (unique) / 23503 (foreign key).
 */
export function constraintKind(error: unknown): ConstraintKind | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
    case '23505':
      return 'unique';
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
    case '23503':
      return 'foreignKey';
    default:
      return null;
  }
}

/** Runs `write`, turning constraint violations into StorageConflictError with these messages. */
export async function guarded(
  write: () => Promise<unknown>,
  messages: { unique: string | (() => Promise<string>); foreignKey?: string },
): Promise<void> {
  try {
    await write();
  } catch (error) {
    const kind = constraintKind(error);
    if (kind === 'unique') {
      const message = typeof messages.unique === 'string' ? messages.unique : await messages.unique();
      throw new StorageConflictError(message);
    }
    if (kind === 'foreignKey' && messages.foreignKey) throw new StorageConflictError(messages.foreignKey);
    throw error;
  }
}

/**
 * What an error from the database says about the storage itself, in words, or null when it is
 * not the storage's fault (a constraint, a bad cursor, a bug in a query). A full disk, a read-only
 * or damaged file, a lost connection: the server cannot save, whatever it was asked to do.
 */
export function storageFailure(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (code === 'SQLITE_FULL' || code === '53100') return 'disk full';
    if (code.startsWith('SQLITE_READONLY') || code === '25006') return 'the database is read-only';
    if (code.startsWith('SQLITE_IOERR') || code === '58030') return 'the disk failed a read or write';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      return 'the database is locked by another process';
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return 'the database file is damaged';
    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_NOMEM') return 'the database cannot be opened';
    // PostgreSQL: connection exceptions, insufficient resources, operator intervention, system errors.
    if (/^(08|53|57|58|XX)/.test(code) && code.length === 5) return 'the database server refused the write';
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code))
      return 'the database server cannot be reached';
  }
  if (typeof message === 'string') {
    // better-sqlite3 and pg say these in words only.
    if (/database connection is not open|driver has already been destroyed/.test(message))
      return 'the database is closed';
    if (/Connection terminated|connection timeout|Client has encountered a connection error/i.test(message))
      return 'the database server cannot be reached';
  }
  return null;
}
