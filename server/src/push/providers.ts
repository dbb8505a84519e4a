import * as apn from '@parse/node-apn';
import type { ApnsEnvironment } from '#shared';
import type { Logger } from '../ops/logger';
import type { ApnsCredentials } from './validate';

export type AnyProvider = apn.Provider | apn.MultiProvider;

/**
 * One long-lived node-apn provider per APNs environment, created on first use. node-apn's own
 * retries are off (connectionRetryLimit 0): the gateway classifies every answer and retries itself.
 */
export class ProviderPool {
  private readonly providers = new Map<ApnsEnvironment, AnyProvider>();

  constructor(
    private readonly o: {
      creds: ApnsCredentials;
      requestTimeoutMs: number;
      /** HTTP/2 connections per environment (node-apn MultiProvider when > 1). */
      connections: number;
      logger: Logger;
    },
  ) {}

  get(environment: ApnsEnvironment): AnyProvider {
    const existing = this.providers.get(environment);
    if (existing) return existing;
    const { creds } = this.o;
    const options: apn.MultiProviderOptions = {
      token: { key: creds.keyPem, keyId: creds.keyId, teamId: creds.teamId },
      production: environment === 'production',
      requestTimeout: this.o.requestTimeoutMs,
      connectionRetryLimit: 0,
      ...(creds.endpoint
        ? {
            address: creds.endpoint.address,
            port: creds.endpoint.port,
            ...(creds.endpoint.ca ? { ca: [creds.endpoint.ca] } : {}),
          }
        : {}),
    };
    const provider =
      this.o.connections > 1
        ? new apn.MultiProvider({ ...options, clientCount: this.o.connections })
        : new apn.Provider(options);
    this.providers.set(environment, provider);
    this.o.logger.info(
      {
        environment,
        endpoint: creds.endpoint ? `${creds.endpoint.address}:${creds.endpoint.port}` : 'apple',
      },
      'APNs provider created',
    );
    return provider;
  }

  async close(): Promise<void> {
    await Promise.all([...this.providers.values()].map(shutdownProvider));
    this.providers.clear();
  }
}

interface NodeApnClient {
  session?: { destroyed: boolean } | null;
  manageChannelsSession?: { destroyed: boolean } | null;
}

/**
 * node-apn 8.1's shutdown() waits for `session.close()`'s callback, which Node never calls for a
 * session that is already destroyed (after a refused connection, a TLS failure or a dropped
 * socket): shutdown would hang forever. Such sessions hold nothing, so forget them first.
 */
function shutdownProvider(provider: AnyProvider): Promise<void> {
  const client = (provider as unknown as { client?: NodeApnClient & { clients?: NodeApnClient[] } }).client;
  for (const c of client?.clients ?? (client ? [client] : [])) {
    if (c.session?.destroyed) c.session = null;
    if (c.manageChannelsSession?.destroyed) c.manageChannelsSession = null;
  }
  return new Promise<void>((resolve) => provider.shutdown(() => resolve()));
}
