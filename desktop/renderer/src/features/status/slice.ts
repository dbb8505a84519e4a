import type { ServerStatus } from '#shared';
import type { ConsoleSlice } from '../../store/store';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

export type ApnsStatus = ServerStatus['apns'];
export type StorageStatus = NonNullable<ServerStatus['storage']>;

/** The socket's state and what the server says about its own health. */
export interface StatusData {
  /** `since` is when the status last changed, not the latest retry: the lost-connection banner waits on it. */
  connection: { status: ConnectionStatus; error: string | null; since: number };
  apns: ApnsStatus | null;
  /** Whether the server can save (a full disk stops every call from being stored). */
  storage: StorageStatus | null;
  /** How long a silent phone's call waits before a fallback rings; null until the server says. */
  notRungAfterMs: number | null;
}

export interface StatusSlice extends StatusData {
  connectionChanged(status: ConnectionStatus, error?: string | null): void;
  serverStatusChanged(status: ServerStatus): void;
}

export const statusData = (now: number): StatusData => ({
  connection: { status: 'connecting', error: null, since: now },
  apns: null,
  storage: null,
  notRungAfterMs: null,
});

export const createStatusSlice =
  (now: () => number): ConsoleSlice<StatusSlice> =>
  (set) => ({
    ...statusData(now()),
    connectionChanged: (status, error = null) =>
      set(({ connection }) => ({
        connection: { status, error, since: connection.status === status ? connection.since : now() },
      })),
    serverStatusChanged: ({ apns, storage, notRungAfterMs }) =>
      set({ apns, storage: storage ?? null, notRungAfterMs: notRungAfterMs ?? null }),
  });
