import { createContext, type ReactNode, useContext } from 'react';
import type {
  Ack,
  AgentAckData,
  AgentRequestName,
  AgentServerEvents,
  HttpArgs,
  HttpResult,
  HttpRouteName,
} from '#shared';
import type { RequestPayload } from './request';

/**
 * What a screen may do with the server: typed requests over the agent socket (a lost ack resolves
 * to UNAVAILABLE, never rejects) and HTTP calls that carry the session token.
 */
export interface ConsoleApi {
  request<E extends AgentRequestName>(
    event: E,
    payload: RequestPayload<E>,
    opts?: { timeoutMs?: number },
  ): Promise<Ack<AgentAckData[E]>>;
  /** A route of the HTTP contract with this session's token (`httpRequest`: resolves, never rejects). */
  http<K extends HttpRouteName>(route: K, args: HttpArgs<K>): Promise<HttpResult<K>>;
  /** WebRTC signals from the phone of the agent's call (voice); returns the unsubscribe. */
  onSignal(listener: AgentServerEvents['rtc:signal']): () => void;
  /** A warm transfer's consultation: signals from the other agent's console; returns the unsubscribe. */
  onConsultSignal(listener: AgentServerEvents['consult:signal']): () => void;
  /** A supervision's media: signals from the other console of it; returns the unsubscribe. */
  onSuperviseSignal(listener: AgentServerEvents['supervise:signal']): () => void;
  /** A hint without data: a call became live and answered, or ended (the Live board refetches). */
  onLiveChanged(listener: () => void): () => void;
  /**
   * The team changed (an agent added, changed or removed, or their console came or went): a hint
   * without data, to refetch with `team:get`. Returns the unsubscribe.
   */
  onTeamChanged(listener: () => void): () => void;
}

const ApiContext = createContext<ConsoleApi | null>(null);

export function ApiProvider({ api, children }: { api: ConsoleApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

/** The signed-in agent's connection. Only valid below the signed-in shell. */
export function useApi(): ConsoleApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() needs an <ApiProvider> (the signed-in shell provides one)');
  return api;
}
