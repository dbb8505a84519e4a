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
