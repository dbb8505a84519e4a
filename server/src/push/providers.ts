import { isIPv6 } from 'node:net';
import type { ApnsEnvironment } from '#shared';
import type { Logger } from '../ops/logger';
import { ApnsConnections } from './connection';
import { ProviderToken } from './token';
import type { ApnsCredentials } from './validate';

const APPLE = { production: 'api.push.apple.com', sandbox: 'api.sandbox.push.apple.com' } as const;

/** What sends to one APNs environment: its connections and the provider token they all use. */
export interface Provider {
  connections: ApnsConnections;
  token: ProviderToken;
}

/**
 * One long-lived provider per APNs environment, created on first use, every one signing with the
 * same provider token. Nothing here retries: the gateway classifies every answer and retries itself.
 */
export class ProviderPool {
  private readonly providers = new Map<ApnsEnvironment, Provider>();
  private readonly token: ProviderToken;

  constructor(
    private readonly o: {
      creds: ApnsCredentials;
      requestTimeoutMs: number;
      /** HTTP/2 connections per environment, used in turn. */
      connections: number;
      logger: Logger;
    },
  ) {
    this.token = new ProviderToken(o.creds);
  }

  get(environment: ApnsEnvironment): Provider {
    const existing = this.providers.get(environment);
    if (existing) return existing;
    const { endpoint } = this.o.creds;
    const host = endpoint
      ? isIPv6(endpoint.address)
        ? `[${endpoint.address}]`
        : endpoint.address
      : APPLE[environment];
    const origin = `https://${host}:${endpoint?.port ?? 443}`;
    const provider: Provider = {
      token: this.token,
      connections: new ApnsConnections({
        origin,
        ca: endpoint?.ca,
        connections: this.o.connections,
        requestTimeoutMs: this.o.requestTimeoutMs,
        onConnectionError: (err) =>
          this.o.logger.warn({ environment, err: err.message }, 'APNs connection error'),
      }),
    };
    this.providers.set(environment, provider);
    this.o.logger.info(
      { environment, endpoint: endpoint ? `${endpoint.address}:${endpoint.port}` : 'apple' },
      'APNs provider created',
    );
    return provider;
  }

  async close(): Promise<void> {
    await Promise.all([...this.providers.values()].map((p) => p.connections.close()));
    this.providers.clear();
  }
}
