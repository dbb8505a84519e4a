import { type Kysely, Migrator, sql } from 'kysely';
import type { AccessFeed } from './access-feed';
import { agentStore } from './agents';
import { auditStore } from './audit';
import { availabilityStore } from './availability';
import { callbackStore } from './callbacks';
import { callStore } from './calls';
import { deviceStore } from './devices';
import { directoryStore } from './directory';
import { healthStore } from './health';
import { migrationProvider } from './migrations';
import { pairingStore } from './pairing';
import { qualityStore } from './quality';
import { ringHealthStore } from './ring-health';
import type { Database } from './schema';
import { sessionStore } from './sessions';
import { softphoneStore } from './softphone';
import { staffStore } from './staff';
import type { Storage } from './types';
import { videoStore } from './video';
import { wrapUpStore } from './wrapups';

export type Engine = Storage['engine'];

/**
 * The Storage over an open Kysely instance. The same queries serve both engines; `engine` only
 * picks the isolation level where PostgreSQL needs one said out loud. `destroy` runs once, on the
 * first close().
 */
export function createKyselyStorage(
  db: Kysely<Database>,
  engine: Engine,
  o: { sqliteBusyTimeoutMs?: number; access: AccessFeed; limitStore: Storage['limitStore'] },
): Storage {
  let closing: Promise<void> | null = null;

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
    agents: agentStore(db, engine),
    sessions: sessionStore(db),
    staff: staffStore(db),
    devices: deviceStore(db),
    pairing: pairingStore(db),
    calls: callStore(db, engine),
    directory: directoryStore(db, engine),
    health: healthStore(db, engine, o.sqliteBusyTimeoutMs ?? 0),
    audit: auditStore(db),
    softphone: softphoneStore(db),
    quality: qualityStore(db),
    ringHealth: ringHealthStore(db, engine),
    access: o.access,
    limitStore: o.limitStore,
    availability: availabilityStore(db, engine),
    wrapUps: wrapUpStore(db),
    callbacks: callbackStore(db),
    video: videoStore(db),
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
