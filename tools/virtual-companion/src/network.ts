import type { ApnsEmulator, ApnsEmulatorClient, Delivery } from '../../apns-emulator/src';

/**
 * The phone's side of APNs: register a token, receive what is pushed to it, be offline.
 * Two implementations: an emulator in this process, or one in another process over its control API.
 */
export interface PushNetwork {
  register(token: string, bundleId: string, environment: 'sandbox' | 'production'): Promise<void>;
  subscribe(token: string, onPush: (payload: unknown) => void): Promise<() => void>;
  setOnline(token: string, online: boolean): Promise<void>;
}

export function inProcessNetwork(emulator: ApnsEmulator): PushNetwork {
  return {
    async register(token, bundleId, environment) {
      emulator.registerDevice({ token, bundleId, environment });
    },
    async subscribe(token, onPush) {
      return emulator.subscribe(token, (d: Delivery) => onPush(d.payload));
    },
    async setOnline(token, online) {
      emulator.setOnline(token, online);
    },
  };
}

export function remoteNetwork(client: ApnsEmulatorClient): PushNetwork {
  return {
    async register(token, bundleId, environment) {
      await client.registerDevice({ token, bundleId, environment });
    },
    async subscribe(token, onPush) {
      const stream = await client.subscribe(token);
      // Reading the stream (rather than a callback beside it) keeps its buffer empty.
      void (async () => {
        try {
          for await (const delivery of stream) onPush(delivery.payload);
        } catch {
          // The stream ended (closed, or the emulator went away): nothing more will arrive.
        }
      })();
      return () => stream.close();
    },
    async setOnline(token, online) {
      await client.setOnline(token, online);
    },
  };
}
