import { type Kysely, Migrator, type Selectable, sql, type Transaction } from 'kysely';
import type { ApnsEnvironment, Call, DirectoryEntry } from '#shared';
import { decodeCursor, encodeCursor } from './cursor';
import { constraintKind } from './errors';
import { migrationProvider } from './migrations';
import type {
  AgentsTable,
  Database,
  DevicesTable,
  PairingCodesTable,
  SessionsTable,
  StaffTable,
} from './schema';
import {
  type AgentRow,
  type AgentStore,
  type CallStore,
  type DeviceRow,
  type DeviceStore,
  type DirectoryStore,
  type PairingRow,
  type PairingStore,
  type SessionRow,
  type SessionStore,
  type StaffRow,
  type StaffStore,
  type Storage,
  StorageConflictError,
} from './types';

export type Engine = Storage['engine'];

/** Rows per INSERT when a list is written at once: well under both engines' bound-parameter limits. */
const INSERT_CHUNK = 500;

/**
 * The Storage over an open Kysely instance. The same queries serve both engines; `engine` only
 * picks the isolation level where PostgreSQL needs one said out loud. `destroy` runs once, on the
 * first close().
 */
export function createKyselyStorage(db: Kysely<Database>, engine: Engine): Storage {
  let closing: Promise<void> | null = null;

  /** Runs `write`, turning constraint violations into StorageConflictError with these messages. */
  const guarded = async (
    write: () => Promise<unknown>,
    messages: { unique: string | (() => Promise<string>); foreignKey?: string },
  ): Promise<void> => {
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
  };

  const agents: AgentStore = {
    async create(row) {
      await guarded(
        () =>
          db
            .insertInto('agents')
            .values({
              id: row.id,
              name: row.name,
              name_key: nameKey(row.name),
              password_hash: row.passwordHash,
              created_at: row.createdAt,
            })
            .execute(),
        {
          unique: async () =>
            (await agents.findByName(row.name))
              ? `an agent named "${row.name}" already exists (names are case-insensitive)`
              : `an agent with id ${row.id} already exists`,
        },
      );
    },
    async findByName(name) {
      const row = await db
        .selectFrom('agents')
        .selectAll()
        .where('name_key', '=', nameKey(name))
        .executeTakeFirst();
      return row ? toAgent(row) : null;
    },
    async findById(id) {
      const row = await db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toAgent(row) : null;
    },
    async list() {
      const rows = await db.selectFrom('agents').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toAgent);
    },
    async remove(id) {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('sessions').where('agent_id', '=', id).execute();
        const result = await tx.deleteFrom('agents').where('id', '=', id).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },
  };

  const sessions: SessionStore = {
    async create(row) {
      await guarded(
        () =>
          db
            .insertInto('sessions')
            .values({
              token_hash: row.tokenHash,
              agent_id: row.agentId,
              created_at: row.createdAt,
              expires_at: row.expiresAt,
            })
            .execute(),
        { unique: 'this session token already exists', foreignKey: `there is no agent ${row.agentId}` },
      );
    },
    async find(tokenHash) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },
    async remove(tokenHash) {
      await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    },
    async removeExpired(now) {
      const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };

  const staff: StaffStore = {
    async create(row) {
      await guarded(
        () =>
          db
            .insertInto('staff')
            .values({ id: row.id, name: row.name, handle: row.handle, created_at: row.createdAt })
            .execute(),
        { unique: `a staff member with id ${row.id} already exists` },
      );
    },
    async update(id, patch) {
      const set: { name?: string; handle?: string | null } = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.handle !== undefined) set.handle = patch.handle;
      if (Object.keys(set).length === 0) return staff.get(id);
      const row = await db
        .updateTable('staff')
        .set(set)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? toStaff(row) : null;
    },
    async remove(id) {
      // The foreign keys cascade too; deleting explicitly keeps this true whatever the pragmas say.
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('pairing_codes').where('staff_id', '=', id).execute();
        await tx.deleteFrom('devices').where('staff_id', '=', id).execute();
        const result = await tx.deleteFrom('staff').where('id', '=', id).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },
    async get(id) {
      const row = await db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toStaff(row) : null;
    },
    async list() {
      const rows = await db.selectFrom('staff').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toStaff);
    },
  };

  const devices: DeviceStore = {
    async create(row) {
      await guarded(
        () =>
          db
            .insertInto('devices')
            .values({
              id: row.id,
              staff_id: row.staffId,
              secret_hash: row.secretHash,
              name: row.name,
              model: row.model,
              os_version: row.osVersion,
              app_version: row.appVersion,
              bundle_id: row.bundleId,
              apns_environment: row.apnsEnvironment,
              voip_token: row.voipToken,
              token_updated_at: row.tokenUpdatedAt,
              token_invalid_at: row.tokenInvalidAt,
              token_invalid_reason: row.tokenInvalidReason,
              paired_at: row.pairedAt,
              last_seen_at: row.lastSeenAt,
            })
            .execute(),
        {
          unique: `a device with id ${row.id} already exists`,
          foreignKey: `there is no staff member ${row.staffId}`,
        },
      );
    },
    async get(id) {
      const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toDevice(row) : null;
    },
    async list() {
      const rows = await db.selectFrom('devices').selectAll().orderBy('paired_at').orderBy('id').execute();
      return rows.map(toDevice);
    },
    async listByStaff(staffId) {
      const rows = await db
        .selectFrom('devices')
        .selectAll()
        .where('staff_id', '=', staffId)
        .orderBy('paired_at')
        .orderBy('id')
        .execute();
      return rows.map(toDevice);
    },
    async updateToken(id, update) {
      const row = await db
        .updateTable('devices')
        .set({
          voip_token: update.voipToken,
          apns_environment: update.apnsEnvironment,
          app_version: update.appVersion,
          os_version: update.osVersion,
          token_updated_at: update.at,
          token_invalid_at: null,
          token_invalid_reason: null,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? toDevice(row) : null;
    },
    async markTokenInvalid(id, token, reason, at) {
      // One statement: the token comparison and the write cannot be split by a concurrent update.
      // A token already marked invalid is not marked again (nothing changes, so null).
      const row = await db
        .updateTable('devices')
        .set({ token_invalid_at: at, token_invalid_reason: reason })
        .where('id', '=', id)
        .where('voip_token', '=', token)
        .where('token_invalid_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? toDevice(row) : null;
    },
    async touch(id, at) {
      await db.updateTable('devices').set({ last_seen_at: at }).where('id', '=', id).execute();
    },
    async remove(id) {
      const result = await db.deleteFrom('devices').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };

  const pairing: PairingStore = {
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

  const calls: CallStore = {
    async save(call) {
      const columns = {
        staff_id: call.staffId,
        agent_id: call.agentId,
        direction: call.direction,
        state: call.state,
        end_reason: call.endReason,
        created_at: call.createdAt,
        doc: JSON.stringify(call),
      };
      await db
        .insertInto('calls')
        .values({ id: call.id, ...columns })
        .onConflict((oc) => oc.column('id').doUpdateSet(columns))
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('calls').select('doc').where('id', '=', id).executeTakeFirst();
      return row ? toCall(row.doc) : null;
    },
    async listLive() {
      const rows = await db
        .selectFrom('calls')
        .select('doc')
        .where('state', '!=', 'ended')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => toCall(r.doc));
    },
    async query(filter, page) {
      const position = page.cursor != null ? decodeCursor(page.cursor) : null;
      const limit = page.limit;
      if (!Number.isSafeInteger(limit) || limit < 1) {
        throw new RangeError(`the history page limit must be a positive integer, not ${limit}`);
      }
      let q = db.selectFrom('calls').select(['id', 'created_at', 'doc']);
      if (filter.staffId != null) q = q.where('staff_id', '=', filter.staffId);
      if (filter.direction != null) q = q.where('direction', '=', filter.direction);
      if (filter.outcome != null) q = q.where('end_reason', '=', filter.outcome);
      if (filter.from != null) q = q.where('created_at', '>=', filter.from);
      if (filter.to != null) q = q.where('created_at', '<', filter.to);
      if (position) {
        q = q.where((eb) =>
          eb.or([
            eb('created_at', '<', position.createdAt),
            eb.and([eb('created_at', '=', position.createdAt), eb('id', '<', position.id)]),
          ]),
        );
      }
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const more = rows.length > limit;
      const pageRows = more ? rows.slice(0, limit) : rows;
      const last = pageRows.at(-1);
      return {
        calls: pageRows.map((r) => toCall(r.doc)),
        nextCursor: more && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
      };
    },
  };

  const directory: DirectoryStore = {
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
    async set(entries, at) {
      return db.transaction().execute(async (tx) => {
        // The UPDATE comes first: it takes the write lock (row lock on PostgreSQL, the database
        // write lock on SQLite) before anything is read, so concurrent sets run one after another.
        const meta = await tx
          .updateTable('directory_meta')
          .set((eb) => ({ version: eb('version', '+', 1), updated_at: at }))
          .where('id', '=', 1)
          .returning('version')
          .executeTakeFirstOrThrow(
            () => new Error('directory_meta has no row: the database was not migrated by this server'),
          );
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

  return {
    engine,
    async migrate() {
      const migrator = new Migrator({
        db,
        provider: migrationProvider,
        // Kysely looks for its migration table in every schema unless told which: on PostgreSQL
        // it is the one our tables go to, so a database shared with other schemas stays apart.
        ...(engine === 'postgres' ? { migrationTableSchema: await currentSchema(db) } : {}),
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName;
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`${engine} migration ${failed ?? '(before any migration ran)'} failed: ${reason}`, {
          cause: error,
        });
      }
    },
    close() {
      closing ??= db.destroy();
      return closing;
    },
    agents,
    sessions,
    staff,
    devices,
    pairing,
    calls,
    directory,
  };
}

/** Where unqualified table names go on PostgreSQL: the first existing schema of search_path. */
async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null; path: string }>`
    select current_schema() as schema, current_setting('search_path') as path`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) {
    throw new Error(
      `cannot migrate: no schema of the search_path (${rows[0]?.path}) exists in this database`,
    );
  }
  return schema;
}

/** The key for case-insensitive name lookups and uniqueness. */
const nameKey = (name: string): string => name.toLowerCase();

const toAgent = (r: Selectable<AgentsTable>): AgentRow => ({
  id: r.id,
  name: r.name,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});

const toSession = (r: Selectable<SessionsTable>): SessionRow => ({
  tokenHash: r.token_hash,
  agentId: r.agent_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

const toStaff = (r: Selectable<StaffTable>): StaffRow => ({
  id: r.id,
  name: r.name,
  handle: r.handle,
  createdAt: r.created_at,
});

const toDevice = (r: Selectable<DevicesTable>): DeviceRow => ({
  id: r.id,
  staffId: r.staff_id,
  secretHash: r.secret_hash,
  name: r.name,
  model: r.model,
  osVersion: r.os_version,
  appVersion: r.app_version,
  bundleId: r.bundle_id,
  apnsEnvironment: r.apns_environment as ApnsEnvironment,
  voipToken: r.voip_token,
  tokenUpdatedAt: r.token_updated_at,
  tokenInvalidAt: r.token_invalid_at,
  tokenInvalidReason: r.token_invalid_reason,
  pairedAt: r.paired_at,
  lastSeenAt: r.last_seen_at,
});

const toPairing = (r: Omit<Selectable<PairingCodesTable>, 'used_at'>): PairingRow => ({
  codeHash: r.code_hash,
  staffId: r.staff_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

const toCall = (doc: string): Call => JSON.parse(doc) as Call;
