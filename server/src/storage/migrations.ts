import { type Kysely, type Migration, type MigrationProvider, PostgresAdapter, sql } from 'kysely';

/**
 * Every migration, in code (nothing is read from disk at run time), the same for both engines.
 * Names sort in the order they run; never edit one that has shipped, add the next instead.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema state, not the current one
type AnyDb = Kysely<any>;

const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: AnyDb) {
      await createPeopleTables(db);
      await createCallTables(db);
    },
    async down(db: AnyDb) {
      for (const table of [
        'directory_meta',
        'directory_entries',
        'calls',
        'pairing_codes',
        'devices',
        'staff',
        'sessions',
        'agents',
      ]) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
    },
  },
  '0002_health_probe': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('health_probe')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('checked_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('health_probe').ifExists().execute();
    },
  },
  '0003_roles_audit': {
    async up(db: AnyDb) {
      await addRoles(db);
      await createAuditLog(db);
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('audit_log').ifExists().execute();
      await db.schema.alterTable('agents').dropColumn('password_temporary').execute();
      await db.schema.alterTable('agents').dropColumn('disabled_at').execute();
      await db.schema.alterTable('agents').dropColumn('role').execute();
    },
  },
  '0004_cluster_timers': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('cluster_timers')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('cluster_timers_kind_due_at')
        .on('cluster_timers')
        .columns(['kind', 'due_at'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('cluster_timers').ifExists().execute();
    },
  },
  '0005_device_microphone_token_moves': {
    async up(db: AnyDb) {
      await db.schema.alterTable('devices').addColumn('microphone', 'text').execute();
      await db.schema.alterTable('devices').addColumn('token_moved_to_id', 'text').execute();
      await db.schema.alterTable('devices').addColumn('token_moved_to_name', 'text').execute();
      // Finding the record that holds a token is what registering one does first.
      await db.schema.createIndex('devices_voip_token').on('devices').column('voip_token').execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('devices_voip_token').ifExists().execute();
      for (const column of ['token_moved_to_name', 'token_moved_to_id', 'microphone']) {
        await db.schema.alterTable('devices').dropColumn(column).execute();
      }
    },
  },
  '0006_agent_availability': {
    async up(db: AnyDb) {
      // No foreign key, like calls: a row left by a removed agent is never read (list joins agents).
      await db.schema
        .createTable('agent_availability')
        .addColumn('agent_id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('since', 'bigint', (c) => c.notNull())
        .addColumn('until', 'bigint')
        .addColumn('call_id', 'text')
        .addColumn('auto', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('agent_availability').ifExists().execute();
    },
  },
  '0007_agent_softphone': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('agent_softphone')
        .addColumn('agent_id', 'text', (c) => c.primaryKey())
        .addColumn('auto_answer', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('agent_softphone').ifExists().execute();
    },
  },
  '0008_call_quality': {
    up: createCallQuality,
    async down(db: AnyDb) {
      await db.schema.dropTable('call_quality').ifExists().execute();
    },
  },
  '0009_ring_health': {
    up: createRingHealth,
    async down(db: AnyDb) {
      await db.schema.alterTable('staff').dropColumn('fallback_staff_id').execute();
      await db.schema.dropTable('ring_phones').ifExists().execute();
      await db.schema.dropTable('ring_rollups').ifExists().execute();
    },
  },
  '0010_dispositions_wrapups': {
    up: createWrapUps,
    async down(db: AnyDb) {
      await db.schema.dropTable('call_wrapups').ifExists().execute();
      await db.schema.dropTable('dispositions').ifExists().execute();
    },
  },
  '0011_callbacks': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('callbacks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('staff_id', 'text', (c) => c.notNull())
        .addColumn('staff_name', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('missed_calls', 'integer', (c) => c.notNull())
        .addColumn('first_call_at', 'bigint', (c) => c.notNull())
        .addColumn('last_call_at', 'bigint', (c) => c.notNull())
        .addColumn('last_call_id', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_attempt_at', 'bigint')
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_by_name', 'text')
        .addColumn('claimed_at', 'bigint')
        .addColumn('closed_at', 'bigint')
        .addColumn('closed_by', 'text')
        .addColumn('close_reason', 'text')
        .execute();
      // One open callback per caller: two nodes queueing the same person's missed calls meet here.
      await db.schema
        .createIndex('callbacks_open_staff')
        .on('callbacks')
        .column('staff_id')
        .unique()
        .where(sql.ref('state'), '=', 'open')
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('callbacks').ifExists().execute();
    },
  },
  /** Issue 27: the team's video settings and calls' snapshots (storage/video.ts says why here). */
  '0012_video': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('video_settings')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('snapshots', 'integer', (c) => c.notNull())
        .addColumn('max_kbps', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('call_snapshots')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('taken_at', 'bigint', (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('jpeg', 'bytea', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('call_snapshots_call_id').on('call_snapshots').column('call_id').execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('call_snapshots').ifExists().execute();
      await db.schema.dropTable('video_settings').ifExists().execute();
    },
  },
  '0013_device_features': {
    async up(db: AnyDb) {
      // What the app last announced in its handshake, comma-separated ('' for none; null: not yet).
      await db.schema.alterTable('devices').addColumn('features', 'text').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('devices').dropColumn('features').execute();
    },
  },
  '0014_table_versions': {
    async up(db: AnyDb) {
      if (isPostgres(db)) await createTableVersions(db);
    },
    async down(db: AnyDb) {
      if (!isPostgres(db)) return;
      for (const table of VERSIONED_TABLES) {
        await sql`drop trigger if exists ${sql.id(`${table}_version_rows`)} on ${sql.table(table)}`.execute(
          db,
        );
        await sql`drop trigger if exists ${sql.id(`${table}_version_update`)} on ${sql.table(table)}`.execute(
          db,
        );
      }
      await sql`drop function if exists table_changed()`.execute(db);
      await sql`drop function if exists table_rows_changed()`.execute(db);
      await db.schema.dropTable('table_versions').ifExists().execute();
    },
  },
  '0015_calls_live_index': {
    /**
     * The live calls, found without reading the history beside them: a cluster node's busy check
     * (with the agent's or the phone's lock, on the ring's first leg), every node's deadline sweep,
     * a start-up's recovery and a resync all read `state != 'ended'`, which no index on `state`
     * serves. Scanning the table, each of those read every call ever made (8 ms at 20,000 calls);
     * this index holds the live ones only, in the order they are read.
     */
    async up(db: AnyDb) {
      await sql`create index calls_live on calls (created_at, id) where state != 'ended'`.execute(db);
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('calls_live').ifExists().execute();
    },
  },
  '0016_call_unchanged': {
    /**
     * (PostgreSQL only: a cluster's database.) A cluster node changes a live call from its own
     * copy of it, without reading it under the call's lock first, and stores the change with this
     * check in the same transaction (cluster/lock.ts): when another node changed the call since,
     * it fails as a serialization failure, and the node reads the call under its lock and decides
     * again. The copy is named by the SHA-256 of its document, as stored (not MD5, which a
     * PostgreSQL built for FIPS refuses).
     */
    async up(db: AnyDb) {
      if (!isPostgres(db)) return;
      await sql`
        create function call_unchanged(call_id text, doc_sha256 text) returns void language plpgsql as $$
        begin
          if not exists (
            select 1 from calls where id = call_id and encode(sha256(convert_to(doc, 'UTF8')), 'hex') = doc_sha256
          ) then
            raise exception 'call % changed since it was read', call_id using errcode = '40001';
          end if;
        end $$`.execute(db);
    },
    async down(db: AnyDb) {
      if (isPostgres(db)) await sql`drop function if exists call_unchanged(text, text)`.execute(db);
    },
  },
};

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

/** The tables whose rows cluster nodes keep in memory (cluster/shared-rows.ts); written out, as shipped. */
const VERSIONED_TABLES = ['staff', 'devices', 'callbacks'] as const;

/**
 * 0014 (PostgreSQL only: a cluster's database; a single server is the only writer of its tables
 * and keeps them exact by itself, storage/own-rows.ts): a version per table that cluster nodes
 * cache, bumped by a statement-level trigger in the transaction of every write to it, so nothing
 * that writes the table can forget it (the app, the `agents` CLI, a tool or psql). A node reads the
 * versions with each lock it takes; a write acknowledged anywhere has bumped its table's version
 * before that read, so a node's copy read at an older version is never used after it.
 *
 * An update bumps only when a row changed other than in the columns named as the trigger's
 * arguments: `devices.last_seen_at`, written each time a phone connects, is read by the roster
 * only (from the database), never by a cached read; bumping for it would empty every node's copy
 * of the phones at each connect. A phone's handshake writes its features and microphone too, but
 * almost always unchanged, and an unchanged row bumps nothing. The counter's row is locked by the
 * write until its commit: writes to one of these tables wait on each other (they come at a
 * person's pace; the connects' touches do not bump). A table's name qualified with the schema of
 * the table written: tools connect without the app's search_path.
 */
async function createTableVersions(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('table_versions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db
    .insertInto('table_versions')
    .values(VERSIONED_TABLES.map((name) => ({ name, version: 0 })))
    .execute();
  await sql`
    create function table_changed() returns trigger language plpgsql as $$
    begin
      execute format('update %I.table_versions set version = version + 1 where name = %L',
        tg_table_schema, tg_table_name);
      return null;
    end $$`.execute(db);
  await sql`
    create function table_rows_changed() returns trigger language plpgsql as $$
    begin
      if exists (
        select to_jsonb(n) - coalesce(tg_argv, '{}') from new_rows n
        except
        select to_jsonb(o) - coalesce(tg_argv, '{}') from old_rows o
      ) then
        execute format('update %I.table_versions set version = version + 1 where name = %L',
          tg_table_schema, tg_table_name);
      end if;
      return null;
    end $$`.execute(db);
  const ignored: Record<(typeof VERSIONED_TABLES)[number], string[]> = {
    staff: [],
    devices: ['last_seen_at'],
    callbacks: [],
  };
  for (const table of VERSIONED_TABLES) {
    // Transition tables (to compare an update's rows) allow one event per trigger.
    await sql`
      create trigger ${sql.id(`${table}_version_rows`)} after insert or delete or truncate
      on ${sql.table(table)} for each statement execute function table_changed()`.execute(db);
    await sql`
      create trigger ${sql.id(`${table}_version_update`)} after update on ${sql.table(table)}
      referencing old table as old_rows new table as new_rows
      for each statement execute function table_rows_changed(${sql.raw(ignored[table].map((c) => `'${c}'`).join(', '))})`.execute(
      db,
    );
  }
}

/**
 * 0010: the admins' dispositions (seeded with three to start from) and each call's note and
 * disposition, kept apart from the call's document, which the call lifecycle rewrites whole.
 */
async function createWrapUps(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('dispositions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('archived_at', 'bigint')
    .execute();
  const seed = ['Resolved', 'Follow-up', 'Wrong number'];
  await db
    .insertInto('dispositions')
    .values(seed.map((name, position) => ({ id: `disp_${position + 1}`, name, position, archived_at: null })))
    .execute();
  await db.schema
    .createTable('call_wrapups')
    .addColumn('call_id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('disposition_id', 'text')
    .addColumn('disposition_name', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('call_wrapups_disposition_id')
    .on('call_wrapups')
    .column('disposition_id')
    .execute();
}

/**
 * 0003: roles. The oldest agent becomes the admin, as the first agent created is from now on;
 * everyone else becomes an agent, and the admin promotes whom they choose (or, locked out, the
 * CLI: `agents role NAME admin`).
 */
async function addRoles(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('agents')
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('agent'))
    .execute();
  await db.schema.alterTable('agents').addColumn('disabled_at', 'bigint').execute();
  await db.schema
    .alterTable('agents')
    .addColumn('password_temporary', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  const first = await db
    .selectFrom('agents')
    .select('id')
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (first) await db.updateTable('agents').set({ role: 'admin' }).where('id', '=', first.id).execute();
}

/** 0003: the audit trail, read newest first, whole or by subject. */
async function createAuditLog(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('target_name', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_id').on('audit_log').columns(['at', 'id']).execute();
  await db.schema
    .createIndex('audit_log_subject_at_id')
    .on('audit_log')
    .columns(['subject', 'at', 'id'])
    .execute();
}

/** 0001: agents and their sessions, staff and their devices, pairing codes. */
async function createPeopleTables(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_agent_id').on('sessions').column('agent_id').execute();
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('handle', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('os_version', 'text', (c) => c.notNull())
    .addColumn('app_version', 'text', (c) => c.notNull())
    .addColumn('bundle_id', 'text', (c) => c.notNull())
    .addColumn('apns_environment', 'text', (c) => c.notNull())
    .addColumn('voip_token', 'text')
    .addColumn('token_updated_at', 'bigint')
    .addColumn('token_invalid_at', 'bigint')
    .addColumn('token_invalid_reason', 'text')
    .addColumn('paired_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint')
    .execute();
  await db.schema.createIndex('devices_staff_id').on('devices').column('staff_id').execute();

  await db.schema
    .createTable('pairing_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('pairing_codes_staff_id').on('pairing_codes').column('staff_id').execute();
}

/** 0001: calls (kept whole, as history) and the caller-ID directory. */
async function createCallTables(db: AnyDb): Promise<void> {
  // No foreign keys: call history outlives the staff, agents and devices it mentions.
  await db.schema
    .createTable('calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('end_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('calls_created_at_id').on('calls').columns(['created_at', 'id']).execute();
  await db.schema
    .createIndex('calls_staff_id_created_at_id')
    .on('calls')
    .columns(['staff_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('calls_state').on('calls').column('state').execute();

  await db.schema
    .createTable('directory_entries')
    .addColumn('position', 'integer', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('blocked', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('directory_meta')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint')
    .execute();
  await db.insertInto('directory_meta').values({ id: 1, version: 0, updated_at: null }).execute();
}

/**
 * 0008 (issue 25 item 8): each end's latest quality report on a call, beside the call. History
 * filters on `mark` through the call id; a phone's quality reads by its device and the call's time.
 */
async function createCallQuality(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('call_quality')
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text')
    .addColumn('call_created_at', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('mark', 'text')
    .addColumn('mos', 'double precision')
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_quality_pk', ['call_id', 'party_id'])
    .execute();
  await db.schema
    .createIndex('call_quality_device_id_call_created_at')
    .on('call_quality')
    .columns(['device_id', 'call_created_at'])
    .execute();
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

/** The name of the newest migration: what a fully migrated database has run last. */
export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1)!;

/**
 * 0009 (issue 25): phones' ring records, as rollups: one row per phone and hour (kept 8 days, for
 * the last 24 h and 7 days) and per phone and UTC day (kept 90 days by default), each counting
 * outcomes and holding the push→ring latency as a fixed histogram (`lat_0`…`lat_11`, bounds in
 * shared/src/ring-record.ts). Nodes add to them by upsert, so the size follows phones × time, not
 * traffic. `ring_phones`: what a sum over rows cannot say (calls in a row that did not ring, the
 * last ring) and the alert state last announced. Staff get a fallback to ring when none of their
 * phones rings in time (item 7).
 */
async function createRingHealth(db: AnyDb): Promise<void> {
  let rollups = db.schema
    .createTable('ring_rollups')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('start', 'bigint', (c) => c.notNull());
  // Written out, not taken from the code's constants: a shipped migration never changes.
  const counts = ['pushes', 'accepted', 'rej_unregistered', 'rej_bad_token', 'rej_wrong_topic'];
  counts.push('rej_credentials', 'rej_throttled', 'rej_apns_error', 'rej_no_answer', 'rang', 'not_rung');
  counts.push('answered', ...Array.from({ length: 12 }, (_, i) => `lat_${i}`));
  for (const column of counts) {
    rollups = rollups.addColumn(column, 'integer', (c) => c.notNull().defaultTo(0));
  }
  await rollups.addPrimaryKeyConstraint('ring_rollups_pk', ['device_id', 'period', 'start']).execute();
  // The team's days and the retention sweep read by period and time, across phones.
  await db.schema
    .createIndex('ring_rollups_period_start')
    .on('ring_rollups')
    .columns(['period', 'start'])
    .execute();
  await db.schema
    .createTable('ring_phones')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('not_rung_streak', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_rang_at', 'bigint')
    .addColumn('last_push_at', 'bigint')
    .addColumn('alert_key', 'text')
    .addColumn('alert_at', 'bigint')
    .execute();
  await db.schema
    .alterTable('staff')
    .addColumn('fallback_staff_id', 'text', (c) => c.references('staff.id').onDelete('set null'))
    .execute();
}
