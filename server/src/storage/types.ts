import type {
  ApnsEnvironment,
  AuditAction,
  AuditSubject,
  Call,
  Callback,
  DeviceFeature,
  Direction,
  DirectoryEntry,
  Disposition,
  EndReason,
  MicrophonePermission,
  QualityMark,
  Role,
  Snapshot,
  VideoSettings,
  WrapUp,
} from '#shared';
import type { AccessFeed } from './access-feed';
import type { QualityStore } from './quality-types';
import type { RingHealthStore } from './ring-health-types';

export type { RingHealthStore, RingLeg, RingPhoneState } from './ring-health-types';

/**
 * What the call server keeps. One interface, two engines (SQLite embedded, PostgreSQL for a team),
 * both behind Kysely so the same queries run on either. Every method is a single statement or a
 * transaction: callers never see a half-written row.
 */
export interface Storage {
  readonly engine: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
  agents: AgentStore;
  sessions: SessionStore;
  staff: StaffStore;
  devices: DeviceStore;
  pairing: PairingStore;
  calls: CallStore;
  directory: DirectoryStore;
  health: HealthStore;
  audit: AuditStore;
  softphone: SoftphoneStore;
  /** How each call sounded, as its ends reported (issue 25 item 8). */
  quality: QualityStore;
  /** Phones' ring records (issue 25): rollups and what they cannot say. */
  ringHealth: RingHealthStore;
  /** Notices that someone's access changed, heard by every server on the database. */
  access: AccessFeed;
  /**
   * Where a single server counts its rate limits (auth/limits.ts): PostgreSQL's own pool, so the
   * counts outlive a restart; memory for SQLite's one process. A cluster counts in Redis instead.
   */
  limitStore: { kind: 'memory' } | { kind: 'postgres'; pool: import('pg').Pool };
  availability: AvailabilityStore;
  wrapUps: WrapUpStore;
  callbacks: CallbackStore;
  /** The team's video settings and calls' snapshots (issue 27). */
  video: VideoStore;
}

export interface VideoStore {
  settings(): Promise<VideoSettings>;
  setSettings(settings: VideoSettings, at: number): Promise<void>;
  addSnapshot(snapshot: Snapshot, jpeg: Buffer): Promise<void>;
  /** A call's snapshots, oldest first. */
  snapshots(callId: string): Promise<Snapshot[]>;
  snapshotImage(id: string): Promise<{ callId: string; jpeg: Buffer } | null>;
}

/** Each agent's softphone settings (issue 26 item 4); defaults for an agent never configured. */
export interface SoftphoneStore {
  autoAnswer(agentId: string): Promise<boolean>;
  setAutoAnswer(agentId: string, on: boolean, at: number): Promise<void>;
}

export interface AgentRow {
  id: string;
  name: string;
  passwordHash: string;
  createdAt: number;
  role: Role;
  /** Set while the agent may not sign in. */
  disabledAt: number | null;
  /** An admin chose this password (a new agent, a reset): the agent should choose their own. */
  temporaryPassword: boolean;
}

/** A new agent: without a role, the first agent of a team is its admin and later ones are agents. */
export type NewAgentRow = Omit<AgentRow, 'role' | 'disabledAt' | 'temporaryPassword'> & {
  role?: Role;
  temporaryPassword?: boolean;
};

export interface AgentStore {
  /**
   * Throws StorageConflictError when the name is taken (names are unique, case-insensitive).
   * Resolves with the role the agent got.
   */
  create(row: NewAgentRow): Promise<Role>;
  findByName(name: string): Promise<AgentRow | null>;
  findById(id: string): Promise<AgentRow | null>;
  list(): Promise<AgentRow[]>;
  /**
   * A new role, or disabled (its sessions removed in the same transaction) or enabled again.
   * Null when there is no such agent; LastAdminError when no enabled admin would remain.
   */
  update(id: string, patch: { role?: Role; disabledAt?: number | null }): Promise<AgentRow | null>;
  /**
   * A new password hash; every session of the agent is removed but `keepSession` (the one that
   * changed its own password stays signed in). False when there is no such agent.
   */
  setPassword(
    id: string,
    password: { hash: string; temporary: boolean },
    keepSession: string | null,
  ): Promise<boolean>;
  /**
   * Also removes the agent's sessions. Returns false when there was no such agent; LastAdminError
   * when it is the last enabled admin.
   */
  remove(id: string): Promise<boolean>;
}

/** The change would leave the team without an enabled admin, and nobody could manage it. */
export class LastAdminError extends Error {
  constructor(readonly agentName: string) {
    super(
      `${agentName} is the team's last admin; make another agent an admin first, so someone can still manage the team`,
    );
    this.name = 'LastAdminError';
  }
}

export interface SessionRow {
  tokenHash: string;
  agentId: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionStore {
  create(row: SessionRow): Promise<void>;
  find(tokenHash: string): Promise<SessionRow | null>;
  remove(tokenHash: string): Promise<void>;
  removeExpired(now: number): Promise<number>;
  /** An agent's sessions, newest first. */
  listByAgent(agentId: string): Promise<SessionRow[]>;
  /** Removes every session of the agent but `keep`; how many went. */
  removeOthers(agentId: string, keep: string): Promise<number>;
}

export interface StaffRow {
  id: string;
  name: string;
  handle: string | null;
  createdAt: number;
  /** Also rung when none of this staff member's phones rings in time; null: nobody. */
  fallbackStaffId: string | null;
}

export interface StaffStore {
  create(row: Omit<StaffRow, 'fallbackStaffId'>): Promise<void>;
  /**
   * Returns the updated row, or null when there is no such staff member. A fallback that is not a
   * staff member (removed meanwhile) is a StorageConflictError.
   */
  update(
    id: string,
    patch: { name?: string; handle?: string | null; fallbackStaffId?: string | null },
  ): Promise<StaffRow | null>;
  /** Also removes the staff member's devices and unused pairing codes. */
  remove(id: string): Promise<boolean>;
  get(id: string): Promise<StaffRow | null>;
  /** Those of `ids` that exist, in one statement (the roster's batched broadcasts), in no set order. */
  getMany(ids: readonly string[]): Promise<StaffRow[]>;
  list(): Promise<StaffRow[]>;
}

export interface DeviceRow {
  id: string;
  staffId: string;
  secretHash: string;
  name: string;
  model: string;
  osVersion: string;
  appVersion: string;
  bundleId: string;
  apnsEnvironment: ApnsEnvironment;
  voipToken: string | null;
  tokenUpdatedAt: number | null;
  tokenInvalidAt: number | null;
  tokenInvalidReason: string | null;
  pairedAt: number;
  lastSeenAt: number | null;
  /** As the phone last reported it; null until it does (an app from before the report). */
  microphone: MicrophonePermission | null;
  /** The record that took this one's VoIP token (the phone paired again), as named then. */
  tokenMovedTo: { deviceId: string; name: string } | null;
  /** What the app announced when it last connected; null until it has connected. */
  features: DeviceFeature[] | null;
}

/** A record as pairing creates it: nothing reported yet, no token moved. */
export type NewDeviceRow = Omit<DeviceRow, 'microphone' | 'tokenMovedTo' | 'features'>;

export interface DeviceStore {
  create(row: NewDeviceRow): Promise<void>;
  get(id: string): Promise<DeviceRow | null>;
  list(): Promise<DeviceRow[]>;
  listByStaff(staffId: string): Promise<DeviceRow[]>;
  /** The phones of every staff member of `staffIds`, in one statement, in pairing order. */
  listByStaffIds(staffIds: readonly string[]): Promise<DeviceRow[]>;
  /**
   * A new token (or the same one again) clears any earlier invalid mark. A token belongs to one
   * record: any other record holding it loses it, in the same transaction, and notes which record
   * took it (`moved`, for their roster rows). Null when `id` is unknown.
   */
  updateToken(
    id: string,
    update: {
      voipToken: string;
      apnsEnvironment: ApnsEnvironment;
      appVersion: string;
      osVersion: string;
      at: number;
    },
  ): Promise<{ device: DeviceRow; moved: DeviceRow[] } | null>;
  /** Returns the row, or null when `id` is unknown. */
  setMicrophone(id: string, microphone: MicrophonePermission): Promise<DeviceRow | null>;
  /**
   * Marks the token invalid only if it is still `token`: a fresh token that arrived while the
   * push was in flight must not be thrown away. Returns the row when it changed.
   */
  markTokenInvalid(id: string, token: string, reason: string, at: number): Promise<DeviceRow | null>;
  touch(id: string, at: number): Promise<void>;
  /** Keeps what the app announced in its handshake (the gateway writes only a change). */
  setFeatures(id: string, features: readonly DeviceFeature[]): Promise<void>;
  remove(id: string): Promise<boolean>;
}

export interface PairingRow {
  codeHash: string;
  staffId: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
}

export interface PairingStore {
  create(row: PairingRow): Promise<void>;
  /**
   * Atomically uses a code: returns its row if it existed, was unused and not expired at `now`,
   * and marks it used so a second redemption (even a concurrent one) gets null.
   */
  consume(codeHash: string, now: number): Promise<PairingRow | null>;
}

export interface HistoryFilter {
  staffId?: string;
  direction?: Direction;
  outcome?: EndReason;
  /** createdAt >= from */
  from?: number;
  /** createdAt < to */
  to?: number;
  /** The call's worse end was marked so (storage/quality.ts). */
  quality?: QualityMark;
  /** Calls whose agent chose this disposition. */
  dispositionId?: string;
}

export interface CallStore {
  /**
   * Insert or replace the whole call (its timeline and pushes travel with it). `through`: a way to
   * store it that the caller holds, used instead (a cluster node's lock, `Locks.persist`), so
   * that its failures count as the storage's like any other write.
   */
  save(call: Call, through?: (call: Call) => Promise<void>): Promise<void>;
  /**
   * PostgreSQL only: `save` with `before` written first in the same transaction and the same
   * round trip (a single server's `Locks.also`: the agent's availability at a call's end). With
   * no call, only the statements.
   */
  saveWith?(call: Call | null, before: Statement[]): Promise<void>;
  get(id: string): Promise<Call | null>;
  /** Calls not yet ended: what a restarting server must settle. */
  listLive(): Promise<Call[]>;
  /**
   * Live calls whose stored document contains `text` (an id): a superset of the live calls that
   * agent or phone is a party to, without reading every other live call. Any other call that
   * matches too (the text is a LIKE pattern: `_` and `%` match more) is for the caller to filter.
   */
  listLiveMentioning(text: string): Promise<Call[]>;
  /**
   * Live calls with a deadline at or before `now`: unanswered with their ring deadline passed, or
   * with a ringing transfer whose ring time passed. What a cluster node's sweep acts on, without
   * reading every live call each time.
   */
  listLiveDue(now: number): Promise<Call[]>;
  /** Newest first (createdAt desc, id desc); `cursor` is opaque and comes from the previous page. */
  query(
    filter: HistoryFilter,
    page: { cursor?: string; limit: number },
  ): Promise<{ calls: Call[]; nextCursor: string | null }>;
}

export interface DirectoryStore {
  get(): Promise<{ version: number; entries: DirectoryEntry[] }>;
  /**
   * Replaces the whole directory and returns the new version (previous + 1, starting at 1). With
   * `baseVersion`, only if the directory is still at that version; else DirectoryConflictError.
   */
  set(entries: DirectoryEntry[], at: number, baseVersion?: number): Promise<number>;
}

export interface HealthStore {
  /**
   * Writes one tiny row (`at`) and resolves once it is committed; rejects, with the reason, when
   * the database does not take it within `timeoutMs` (locked, full, read-only, closed, unreachable).
   */
  probeWrite(at: number, timeoutMs: number): Promise<void>;
}

export interface AuditRow {
  id: string;
  at: number;
  actorId: string | null;
  actorName: string;
  action: AuditAction;
  targetId: string | null;
  targetName: string | null;
  detail: string | null;
}

export interface AuditStore {
  append(row: AuditRow): Promise<void>;
  /** Newest first (at desc, id desc); `cursor` is opaque and comes from the previous page. */
  query(
    filter: { subject?: AuditSubject },
    page: { cursor?: string; limit: number },
  ): Promise<{ entries: AuditRow[]; nextCursor: string | null }>;
}

/** What is stored of an agent's availability; `busy` is not stored (it is being in a live call). */
export type StoredAgentState = 'available' | 'afterCall' | 'away';

export interface AvailabilityRow {
  agentId: string;
  state: StoredAgentState;
  since: number;
  until: number | null;
  callId: string | null;
  /** Away set by the server because the last console closed; undone by the agent's next console. */
  auto: boolean;
}

/** Only rows that match every given field are changed. */
export interface AvailabilityCondition {
  state?: StoredAgentState[];
  callId?: string;
  auto?: boolean;
  /** `until` at or before this time (after-call work that is over). */
  untilAtMost?: number;
}

export interface AvailabilityStore {
  /** Every enabled agent with their stored availability (the default for one without a row). */
  list(): Promise<(AvailabilityRow & { name: string })[]>;
  /** One enabled agent's, as `list` has it; null for an unknown or disabled agent. */
  find(agentId: string): Promise<(AvailabilityRow & { name: string }) | null>;
  /** Those of `agentIds` that are enabled agents, as `find` has them, in one statement (any order). */
  findMany(agentIds: string[]): Promise<(AvailabilityRow & { name: string })[]>;
  get(agentId: string): Promise<AvailabilityRow | null>;
  /** Sets the row, whatever it held. */
  put(row: AvailabilityRow): Promise<void>;
  /**
   * Sets the row unless it holds an Away the agent chose (not the server's) at or after `since`;
   * resolves whether it did. One statement.
   */
  putUnlessChosenAway(row: AvailabilityRow, since: number): Promise<boolean>;
  /**
   * The end of the agent's call `callId`, with after-call work until `until`: afterCall, or
   * Available if the call's wrap-up has its disposition already; unless the row holds an Away the
   * agent chose at or after `since`. Resolves the state written, or null. One statement.
   */
  putAfterCall(
    c: { agentId: string; since: number; until: number; callId: string },
    since: number,
  ): Promise<'afterCall' | 'available' | null>;
  /**
   * Sets the row only if it matches `when` (a missing row counts as the server's Away since the
   * agent was added); resolves whether it changed. What a second node or a late timer finds already done is
   * left alone.
   */
  update(row: AvailabilityRow, when: AvailabilityCondition): Promise<boolean>;
  /**
   * PostgreSQL only: `putUnlessChosenAway` and `putAfterCall` as statements that go in the query
   * of a call's change (`Locks.also`), in its transaction: one round trip for both writes.
   */
  statements?: {
    unlessChosenAway(row: AvailabilityRow, since: number): Statement;
    afterCall(c: { agentId: string; since: number; until: number; callId: string }, since: number): Statement;
  };
}

/** A PostgreSQL statement written out with its values, `literal` quoting each string. */
export type Statement = (literal: (s: string) => string) => string;

export interface WrapUpStore {
  /** The active dispositions in the admins' order, then the archived ones. */
  dispositions(): Promise<Disposition[]>;
  /**
   * Replaces the active list (one transaction): entries with an id keep it, new ones get `newId()`,
   * active ones left out are archived. Resolves with the list as it is now and what changed, in
   * words, for the audit trail (empty when nothing did).
   */
  setDispositions(
    list: { id?: string; name: string }[],
    at: number,
    newId: () => string,
  ): Promise<{ dispositions: Disposition[]; changes: string[] }>;
  /** Writes (or rewrites) a call's note and disposition. */
  save(callId: string, wrapUp: WrapUp): Promise<void>;
  get(callId: string): Promise<WrapUp | null>;
}

/**
 * The callbacks queue (issue 24 item 4). Each change resolves with the callback as it is after
 * it, or null when its condition did not hold (already claimed, closed, or someone else's).
 */
export interface CallbackStore {
  /** The open ones, oldest first. */
  open(): Promise<Callback[]>;
  /** Every one, closed ones too, oldest first (the soak's check). */
  all(): Promise<Callback[]>;
  get(id: string): Promise<Callback | null>;
  /** An unanswered call from a staff member: queues a callback, or counts it on their open one. */
  missed(c: {
    id: string;
    staffId: string;
    staffName: string;
    callId: string;
    at: number;
  }): Promise<Callback | null>;
  claim(id: string, agent: { id: string; name: string }, at: number): Promise<Callback | null>;
  release(id: string, claimedBy: string): Promise<Callback | null>;
  /** A call back was placed by its claimer. */
  attempted(id: string, claimedBy: string, at: number): Promise<Callback | null>;
  /** Closes an open one; with `claimedBy`, only while it is claimed by them (null: unclaimed). */
  close(
    id: string,
    c: { by: string; reason: string; at: number; claimedBy?: string | null },
  ): Promise<Callback | null>;
  /**
   * A call between this agent and this staff member was answered: closes the callback the agent
   * claimed (`claimedOnly`, a call back), or their open callback whoever claimed it (they called
   * in again and got through).
   */
  answered(
    staffId: string,
    agentId: string,
    at: number,
    reason: string,
    claimedOnly?: boolean,
  ): Promise<Callback | null>;
}

export class StorageConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageConflictError';
  }
}

export class InvalidCursorError extends Error {
  constructor() {
    super('the history cursor is not valid; start again without one');
    this.name = 'InvalidCursorError';
  }
}
