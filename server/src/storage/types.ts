import type { ApnsEnvironment, Call, Direction, DirectoryEntry, EndReason } from '#shared';

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
}

export interface AgentRow {
  id: string;
  name: string;
  passwordHash: string;
  createdAt: number;
}

export interface AgentStore {
  /** Throws StorageConflictError when the name is taken (names are unique, case-insensitive). */
  create(row: AgentRow): Promise<void>;
  findByName(name: string): Promise<AgentRow | null>;
  findById(id: string): Promise<AgentRow | null>;
  list(): Promise<AgentRow[]>;
  /** Also removes the agent's sessions. Returns false when there was no such agent. */
  remove(id: string): Promise<boolean>;
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
}

export interface StaffRow {
  id: string;
  name: string;
  handle: string | null;
  createdAt: number;
}

export interface StaffStore {
  create(row: StaffRow): Promise<void>;
  /** Returns the updated row, or null when there is no such staff member. */
  update(id: string, patch: { name?: string; handle?: string | null }): Promise<StaffRow | null>;
  /** Also removes the staff member's devices and unused pairing codes. */
  remove(id: string): Promise<boolean>;
  get(id: string): Promise<StaffRow | null>;
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
}

export interface DeviceStore {
  create(row: DeviceRow): Promise<void>;
  get(id: string): Promise<DeviceRow | null>;
  list(): Promise<DeviceRow[]>;
  listByStaff(staffId: string): Promise<DeviceRow[]>;
  /** A new token (or the same one again) clears any earlier invalid mark. */
  updateToken(
    id: string,
    update: {
      voipToken: string;
      apnsEnvironment: ApnsEnvironment;
      appVersion: string;
      osVersion: string;
      at: number;
    },
  ): Promise<DeviceRow | null>;
  /**
   * Marks the token invalid only if it is still `token`: a fresh token that arrived while the
   * push was in flight must not be thrown away. Returns the row when it changed.
   */
  markTokenInvalid(id: string, token: string, reason: string, at: number): Promise<DeviceRow | null>;
  touch(id: string, at: number): Promise<void>;
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
}

export interface CallStore {
  /** Insert or replace the whole call (its timeline and pushes travel with it). */
  save(call: Call): Promise<void>;
  get(id: string): Promise<Call | null>;
  /** Calls not yet ended: what a restarting server must settle. */
  listLive(): Promise<Call[]>;
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
