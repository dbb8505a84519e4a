import type { Kysely, Selectable } from 'kysely';
import { guarded } from './errors';
import type { Database, PairingCodesTable } from './schema';
import type { PairingRow, PairingStore } from './types';

/** One-time pairing codes, kept as hashes; a code is consumed at most once. */
export function pairingStore(db: Kysely<Database>): PairingStore {
  const store: PairingStore = {
    async create(row) {
      await guarded(
        () =>
          db
            .insertInto('pairing_codes')
            .values({
              code_hash: row.codeHash,
              staff_id: row.staffId,
              created_by: row.createdBy,
              created_at: row.createdAt,
              expires_at: row.expiresAt,
              used_at: null,
            })
            .execute(),
        { unique: 'this pairing code already exists', foreignKey: `there is no staff member ${row.staffId}` },
      );
    },
    async consume(codeHash, now) {
      // A single UPDATE … RETURNING: of two concurrent redemptions exactly one sees used_at NULL.
      const row = await db
        .updateTable('pairing_codes')
        .set({ used_at: now })
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['code_hash', 'staff_id', 'created_by', 'created_at', 'expires_at'])
        .executeTakeFirst();
      return row ? toPairing(row) : null;
    },
  };
  return store;
}

const toPairing = (r: Omit<Selectable<PairingCodesTable>, 'used_at'>): PairingRow => ({
  codeHash: r.code_hash,
  staffId: r.staff_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});
