import type { ColumnType, Generated } from 'kysely';

/**
 * The tables as Kysely sees them. Column names are snake_case in the database and camelCase in the
 * rows the stores return; every mapping is written out in the store's own file (`agents.ts`, `calls.ts`…). Times are epoch milliseconds
 * in `bigint` columns (INTEGER affinity on SQLite), read back as JS numbers on both engines.
 * Booleans are stored as 0/1 integers so that both drivers bind and return them the same way.
 */
export interface Database {
  agents: AgentsTable;
  sessions: SessionsTable;
  staff: StaffTable;
  devices: DevicesTable;
  pairing_codes: PairingCodesTable;
  calls: CallsTable;
  directory_entries: DirectoryEntriesTable;
  directory_meta: DirectoryMetaTable;
  health_probe: HealthProbeTable;
  audit_log: AuditLogTable;
  cluster_timers: ClusterTimersTable;
  agent_availability: AgentAvailabilityTable;
  agent_softphone: AgentSoftphoneTable;
  call_quality: CallQualityTable;
  ring_rollups: RingRollupsTable;
  ring_phones: RingPhonesTable;
  dispositions: DispositionsTable;
  call_wrapups: CallWrapUpsTable;
  callbacks: CallbacksTable;
  video_settings: VideoSettingsTable;
  call_snapshots: CallSnapshotsTable;
}

/** One row (id 1) once an admin changed the team's video settings (migration 0012). */
export interface VideoSettingsTable {
  id: number;
  snapshots: number;
  max_kbps: number;
  updated_at: number;
}

/** Snapshots of calls' video, the JPEG itself included (storage/video.ts says why). */
export interface CallSnapshotsTable {
  id: string;
  call_id: string;
  agent_id: string;
  taken_at: number;
  width: number;
  height: number;
  bytes: number;
  jpeg: Uint8Array;
}

export interface AgentsTable {
  id: string;
  name: string;
  /** `name` lower-cased: carries the case-insensitive unique index. */
  name_key: string;
  password_hash: string;
  created_at: number;
  /** `admin` or `agent` (migration 0003). */
  role: string;
  disabled_at: number | null;
  /** 1 when an admin set the password (a new agent, a reset): the agent should choose their own. */
  password_temporary: number;
}

export interface SessionsTable {
  token_hash: string;
  agent_id: string;
  created_at: number;
  expires_at: number;
}

export interface StaffTable {
  id: string;
  name: string;
  handle: string | null;
  created_at: number;
  /** Also rung when none of this staff member's phones rings in time (migration 0009). */
  fallback_staff_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DevicesTable {
  id: string;
  staff_id: string;
  secret_hash: string;
  name: string;
  model: string;
  os_version: string;
  app_version: string;
  bundle_id: string;
  apns_environment: string;
  voip_token: string | null;
  token_updated_at: number | null;
  token_invalid_at: number | null;
  token_invalid_reason: string | null;
  paired_at: number;
  last_seen_at: number | null;
  /** `granted`, `denied` or `undetermined` as the phone last reported it (migration 0005). */
  microphone: string | null;
  /** The device record that registered this one's VoIP token since, and its name then (0005). */
  token_moved_to_id: string | null;
  token_moved_to_name: string | null;
  /** What the app last announced in its handshake, comma-separated; null before it did (0013). */
  features: string | null;
}

export interface PairingCodesTable {
  code_hash: string;
  staff_id: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** The whole Call is `doc` (JSON text); the other columns are copies for the history query. */
export interface CallsTable {
  id: string;
  staff_id: string;
  agent_id: string | null;
  direction: string;
  state: string;
  end_reason: string | null;
  created_at: number;
  doc: string;
}

export interface DirectoryEntriesTable {
  /** Order of the entries as they were set, from 0. */
  position: number;
  number: string;
  label: string | null;
  /** 0 or 1. */
  blocked: number;
}

/** Exactly one row (id = 1), created by the first migration with version 0. */
export interface DirectoryMetaTable {
  id: number;
  version: number;
  updated_at: number | null;
}

/** At most one row (id = 1): the last write `/healthz` made to prove the database takes writes. */
export interface HealthProbeTable {
  id: number;
  checked_at: number;
}

/**
 * Cluster mode's timers that must outlive the node that set them (migration 0004; unused by a
 * single server): reconnect graces, due on the server's clock, and cancels under way, leased by
 * the node sending them (`due_at` is then the lease's end, in real time). cluster/timers.ts.
 */
export interface ClusterTimersTable {
  key: string;
  kind: 'grace' | 'cancel';
  due_at: number;
  owner: string | null;
  /** JSON: what firing it needs (the party; the call, phone and reason). */
  data: string;
}

/**
 * A phone's ring record over one hour (`period` 'h') or one UTC day ('d'), from `start` (migration
 * 0009, storage/ring-health.ts). Every count is added to by upsert, never read and written back.
 */
export interface RingRollupsTable {
  device_id: string;
  period: 'h' | 'd';
  start: number;
  pushes: number;
  accepted: number;
  rej_unregistered: number;
  rej_bad_token: number;
  rej_wrong_topic: number;
  rej_credentials: number;
  rej_throttled: number;
  rej_apns_error: number;
  rej_no_answer: number;
  rang: number;
  not_rung: number;
  answered: number;
  /** The push→ring latency histogram: `lat_i` counts rings in bucket i (LATENCY_BUCKETS_MS). */
  lat_0: number;
  lat_1: number;
  lat_2: number;
  lat_3: number;
  lat_4: number;
  lat_5: number;
  lat_6: number;
  lat_7: number;
  lat_8: number;
  lat_9: number;
  lat_10: number;
  lat_11: number;
}

/** What a phone's rollups cannot say, and the alert last announced for it (migration 0009). */
export interface RingPhonesTable {
  device_id: string;
  not_rung_streak: Generated<number>;
  last_rang_at: number | null;
  last_push_at: number | null;
  /** The alert state last announced (`ok`, `notRinging`, `tokenInvalid:<when>`): one alert per change. */
  alert_key: string | null;
  alert_at: number | null;
}

/** Who changed the team, staff, phones or directory, and when (migration 0003). Never updated. */
export interface AuditLogTable {
  /** Sorts in the order the entries were written (see audit.ts). */
  id: string;
  at: number;
  actor_id: string | null;
  actor_name: string;
  action: string;
  /** The action's prefix (`agent`, `staff`, `phone`, `directory`), for the trail's filter. */
  subject: string;
  target_id: string | null;
  target_name: string | null;
  detail: string | null;
}

/**
 * Each agent's stored availability (migration 0006): what they chose, or the after-call work a
 * call left them in. Busy is not stored: it is being in a live call. An agent without a row is
 * Away since they were added (the server's Away, which their first console ends).
 */
export interface AgentAvailabilityTable {
  agent_id: string;
  /** `available`, `afterCall` or `away`. */
  state: string;
  since: number;
  /** When after-call work ends by itself. */
  until: number | null;
  /** The call whose after-call work this is: saving its disposition ends it early. */
  call_id: string | null;
  /** 1 when the server set Away because the agent's last console closed; their next console undoes it. */
  auto: number;
}

/** An agent's softphone settings (migration 0007); no row: the defaults. */
export interface AgentSoftphoneTable {
  agent_id: string;
  /** 1: inbound calls offered to the agent answer by themselves after a short tone. */
  auto_answer: number;
  updated_at: number;
}

/** Each end's latest quality report on a call (migration 0008, storage/quality.ts). */
export interface CallQualityTable {
  call_id: string;
  party_id: string;
  side: 'agent' | 'phone';
  device_id: string | null;
  call_created_at: number;
  at: number;
  mark: 'good' | 'fair' | 'poor' | null;
  mos: number | null;
  /** The summary as reported (shared/src/quality-events.ts' qualitySummarySchema). */
  doc: string;
}

/** The admins' dispositions, in their order (migration 0010). Never deleted: archived instead. */
export interface DispositionsTable {
  id: string;
  name: string;
  position: number;
  archived_at: number | null;
}

/** A call's note and disposition (0010), written by its agent apart from the call's document. */
export interface CallWrapUpsTable {
  call_id: string;
  agent_id: string;
  note: string;
  disposition_id: string | null;
  /** The disposition's name when chosen. */
  disposition_name: string | null;
  updated_at: number;
}

/**
 * The callbacks queue (migration 0011): one row per unanswered caller, open until a call back is
 * answered or an agent closes it. At most one open row per staff member (a partial unique index).
 */
export interface CallbacksTable {
  id: string;
  staff_id: string;
  staff_name: string;
  /** `open` or `closed`. */
  state: string;
  missed_calls: number;
  first_call_at: number;
  last_call_at: number;
  last_call_id: string;
  attempts: number;
  last_attempt_at: number | null;
  claimed_by: string | null;
  claimed_by_name: string | null;
  claimed_at: number | null;
  closed_at: number | null;
  closed_by: string | null;
  close_reason: string | null;
}
