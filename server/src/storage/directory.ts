import type { Kysely, Transaction } from 'kysely';
import type { DirectoryEntry } from '#shared';
import type { Database } from './schema';
import type { DirectoryStore, Storage } from './types';

/** Rows per INSERT when a list is written at once: well under both engines' bound-parameter limits. */
const INSERT_CHUNK = 500;

/** The caller-ID directory phones fetch: a list replaced whole, with a version that counts changes. */
export function directoryStore(db: Kysely<Database>, engine: Storage['engine']): DirectoryStore {
  return {
    async get() {
      // One snapshot for the version and the entries, so they always belong together.
      const read = async (tx: Transaction<Database>) => {
        const meta = await tx
          .selectFrom('directory_meta')
          .select('version')
          .where('id', '=', 1)
          .executeTakeFirst();
        const rows = await tx.selectFrom('directory_entries').selectAll().orderBy('position').execute();
        return {
          version: meta?.version ?? 0,
          entries: rows.map(
            (r): DirectoryEntry => ({ number: r.number, label: r.label, blocked: r.blocked === 1 }),
          ),
        };
      };
      return engine === 'postgres'
        ? db.transaction().setIsolationLevel('repeatable read').execute(read)
        : db.transaction().execute(read);
    },
    async set(entries, at, baseVersion) {
      return db.transaction().execute(async (tx) => {
        // The UPDATE comes first: it takes the write lock (row lock on PostgreSQL, the database
        // write lock on SQLite) before anything is read, so concurrent sets run one after another,
        // and a second set from the same base version finds the version moved on.
        let update = tx
          .updateTable('directory_meta')
          .set((eb) => ({ version: eb('version', '+', 1), updated_at: at }))
          .where('id', '=', 1);
        if (baseVersion !== undefined) update = update.where('version', '=', baseVersion);
        const meta = await update.returning('version').executeTakeFirst();
        if (!meta) {
          const now = await tx
            .selectFrom('directory_meta')
            .select('version')
            .where('id', '=', 1)
            .executeTakeFirst();
          if (!now)
            throw new Error('directory_meta has no row: the database was not migrated by this server');
          throw new DirectoryConflictError(baseVersion ?? now.version, now.version);
        }
        await tx.deleteFrom('directory_entries').execute();
        for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
          await tx
            .insertInto('directory_entries')
            .values(
              entries.slice(i, i + INSERT_CHUNK).map((e, j) => ({
                position: i + j,
                number: e.number,
                label: e.label,
                blocked: e.blocked ? 1 : 0,
              })),
            )
            .execute();
        }
        return meta.version;
      });
    },
  };
}

/** A save based on a version of the directory that someone else has replaced since. */
export class DirectoryConflictError extends Error {
  constructor(
    readonly baseVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      `the directory was changed by someone else since you loaded it (you edited version ${baseVersion}, ` +
        `it is now at version ${currentVersion}); reload it, redo your changes and save again`,
    );
    this.name = 'DirectoryConflictError';
  }
}
