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
