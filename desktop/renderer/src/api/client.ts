import { io } from 'socket.io-client';
import {
  type Ack,
  type AgentAckData,
  type AgentAuth,
  type AgentRequestName,
  type AgentServerEvents,
  agentAuth,
  CALL_ACK_REQUESTS,
  type ConsoleHello,
  ERROR_CODES,
  type HttpArgs,
  type HttpResult,
  type HttpRouteName,
  httpRequest,
} from '#shared';
import type { ConsoleStore } from '../store/store';
import type { ConsoleApi } from './context';
import { type AgentSocket, type RequestPayload, request } from './request';
import type { Session } from './session';

const callAckRequests: ReadonlySet<string> = new Set(CALL_ACK_REQUESTS);

/** Retry a refused-but-not-unauthorized handshake (server restarting) on this cadence. */
const RETRY_REFUSED_MS = 2_000;

/**
 * The signed-in agent's one socket. It feeds the store from the server's broadcasts and rebuilds
 * it from the server's resync on every reconnect instead of trusting what it held before.
 */
export class ConsoleClient implements ConsoleApi {
  readonly socket: AgentSocket;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private everConnected = false;

  constructor(
    private readonly baseUrl: string,
    private session: Session,
    private readonly store: ConsoleStore,
    private readonly onUnauthorized: (message: string) => void,
    /** This page, for the server's choice of the agent's one softphone. */
    private readonly page: ConsoleHello,
    /** The server ended this agent's sessions for good (removed, disabled, password reset). */
    private readonly onEnded: (reason: string) => void = onUnauthorized,
  ) {
    this.socket = io(new URL('/agent', baseUrl).toString(), {
      auth: this.auth(session),
      autoConnect: false,
      // Every reconnect gets a full resync, so there is no buffered state worth replaying.
      reconnectionDelayMax: 3_000,
      transports: ['websocket'],
    });
    this.bind();
  }

  connect(): void {
    this.socket.connect();
  }

  /**
   * After the agent signed in again (the session expired, or the server forgot it): the same
   * socket and the same screens carry on with the new token, so nothing on screen is lost.
   */
  resume(session: Session): void {
    this.session = session;
    this.socket.auth = this.auth(session);
    if (this.retry) clearTimeout(this.retry);
    this.socket.connect();
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.socket.removeAllListeners();
    this.socket.io.removeAllListeners();
    this.socket.disconnect();
  }

  /**
   * The handshake: this page, and `callAcks` (shared events.ts): the acks of this console's call
   * requests are their changes, which the server then does not send it again as `call:changed`.
   */
  private auth(session: Session): AgentAuth {
    return { ...agentAuth(session.token, ['callAcks']), console: this.page };
  }

  request<E extends AgentRequestName>(
    event: E,
    payload: RequestPayload<E>,
    opts?: { timeoutMs?: number },
  ): Promise<Ack<AgentAckData[E]>> {
    // Screens ask for their data as they mount, which is before the first connect completes.
    const sent =
      !this.socket.connected && !this.everConnected
        ? this.firstConnect(opts?.timeoutMs).then(() => request(this.socket, event, payload, opts))
        : request(this.socket, event, payload, opts);
    if (!callAckRequests.has(event)) return sent;
    return sent.then((ack) => {
      // Its change comes in the ack only (`callAcks`): an ack that never came may hide a change
      // the server made, so the calls shown are asked for again.
      if (!ack.ok && ack.error.code === ERROR_CODES.UNAVAILABLE && this.socket.connected) {
        void this.syncCalls();
      }
      return ack;
    });
  }

  /**
   * Resolves on the first connect (or after the timeout, and the request then fails as
   * UNAVAILABLE). Only the first: a request made while reconnecting fails at once, because
   * socket.io would otherwise replay it on reconnect, and a call placed a minute late is worse than
   * a clear "not connected".
   */
  private firstConnect(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.socket.off('connect', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.socket.on('connect', done);
    });
  }

  onSignal(listener: AgentServerEvents['rtc:signal']): () => void {
    this.socket.on('rtc:signal', listener);
    return () => {
      this.socket.off('rtc:signal', listener);
    };
  }

  onConsultSignal(listener: AgentServerEvents['consult:signal']): () => void {
    this.socket.on('consult:signal', listener);
    return () => {
      this.socket.off('consult:signal', listener);
    };
  }

  onSuperviseSignal(listener: AgentServerEvents['supervise:signal']): () => void {
    this.socket.on('supervise:signal', listener);
    return () => {
      this.socket.off('supervise:signal', listener);
    };
  }

  onLiveChanged(listener: () => void): () => void {
    const hint = () => listener();
    this.socket.on('live:changed', hint);
    return () => {
      this.socket.off('live:changed', hint);
    };
  }

  onTeamChanged(listener: () => void): () => void {
    const hint = () => listener();
    this.socket.on('team:changed', hint);
    return () => {
      this.socket.off('team:changed', hint);
    };
  }

  http<K extends HttpRouteName>(route: K, args: HttpArgs<K>): Promise<HttpResult<K>> {
    return httpRequest(this.baseUrl, route, { ...args, token: this.session.token });
  }

  /** Every phone's ring record, on each connect: changes come as `health:changed` after that. */
  private async loadHealth(): Promise<void> {
    const ack = await this.request('health:records', {});
    if (ack.ok) this.store.getState().healthRecords(ack.data.phones);
  }

  /**
   * After a reconnect: how did the calls still on screen end while we were away (a server restart,
   * a dropped network), and which are still live? The server answers with whole calls.
   */
  private async syncCalls(): Promise<void> {
    const callIds = Object.keys(this.store.getState().calls).slice(-50);
    if (callIds.length === 0) return;
    const ack = await this.request('call:sync', { callIds });
    if (ack.ok) this.store.getState().callsSynced(callIds, [...ack.data.live, ...ack.data.ended]);
  }

  /** The admins' dispositions, for the call panel's picker and history's filter. */
  private async loadDispositions(): Promise<void> {
    const ack = await this.request('dispositions:get', {});
    if (ack.ok) this.store.getState().dispositionsLoaded(ack.data.dispositions);
  }

  /** The shared callbacks queue, whole, on each (re)connect; changes come as callbacks:changed. */
  private async loadCallbacks(): Promise<void> {
    const ack = await this.request('callbacks:list', {});
    if (ack.ok) this.store.getState().callbacksLoaded(ack.data.callbacks);
  }

  private bind(): void {
    const { socket } = this;
    // The store's actions, taken once: each server event below is one of them.
    const store = this.store.getState();

    socket.on('connect', () => {
      this.everConnected = true;
      store.reconnected();
      store.transfersReconnected();
      store.supervisionsReconnected();
      store.connectionChanged('connected');
      void this.syncCalls();
      void this.loadDispositions();
      void this.loadHealth();
      void this.loadCallbacks();
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      store.connectionChanged('reconnecting');
      // Closed by the server (the session was revoked): socket.io does not retry that by itself. One
      // try tells whether the session still holds; if not, the handshake's refusal asks to sign in.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (err) => {
      const message = err.message ?? 'cannot reach the server';
      if (message.startsWith('UNAUTHORIZED')) {
        this.onUnauthorized('Your session has ended (it expired, or the server no longer knows it).');
        return;
      }
      const mismatch = message.startsWith('PROTOCOL_MISMATCH');
      store.connectionChanged('reconnecting', mismatch ? message : null);
      // A handshake refused by the server (not a network failure) is not retried by socket.io. A
      // protocol mismatch is retried slowly: the server may be rolled back or updated meanwhile.
      if (!socket.active) {
        this.retry = setTimeout(() => socket.connect(), mismatch ? RETRY_REFUSED_MS * 5 : RETRY_REFUSED_MS);
      }
    });

    socket.on('server:status', store.serverStatusChanged);
    socket.on('session:status', store.meChanged);
    socket.on('session:ended', ({ reason }) => {
      // Closing first: the disconnect that follows must not try to reconnect.
      this.close();
      this.onEnded(reason);
    });
    socket.on('roster:snapshot', ({ staff }) => store.rosterSnapshot(staff));
    socket.on('roster:changed', ({ staff, removedStaffIds }) => store.rosterChanged(staff, removedStaffIds));
    socket.on('call:changed', ({ call }) => {
      store.callChanged(call);
      store.transferSeen(call);
    });
    socket.on('call:incoming', ({ call }) => store.callIncoming(call));
    socket.on('availability:snapshot', ({ agents }) => store.availabilitySnapshot(agents));
    socket.on('availability:changed', ({ agents }) => store.availabilityChanged(agents));
    socket.on('softphone:changed', store.softphoneChanged);
    socket.on('dispositions:changed', ({ dispositions }) => store.dispositionsLoaded(dispositions));
    socket.on('health:changed', ({ phones }) => store.healthChanged(phones));
    socket.on('health:alert', store.healthAlerted);
    socket.on('callbacks:changed', ({ callbacks }) => store.callbacksChanged(callbacks));
    socket.on('video:changed', store.videoChanged);
    socket.on('video:configured', store.videoConfigured);
    socket.on('supervise:changed', (change) => store.supervisionChanged(change, this.session.agentId));
  }
}
