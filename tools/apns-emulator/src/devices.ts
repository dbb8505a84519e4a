import type { Clock } from '#shared';
import { HEX_TOKEN } from './push-request';
import type { ApnsEnvironment, Delivery, DeliveryListener, DeviceRegistration, DeviceState } from './types';

/** A registered token, as the emulator keeps it. */
export interface Device {
  token: string;
  bundleId: string;
  environment: ApnsEnvironment;
  online: boolean;
  unregisteredAt: number | null;
  /** Pushes waiting while offline: one per collapse id (or per apns-id without one). */
  stored: Map<string, Delivery>;
  /** The last deliveries, at most LOG_SIZE. */
  log: Delivery[];
}

const LOG_SIZE = 100;

/**
 * The devices an emulator knows, the apps they belong to, and who listens for their pushes.
 * Delivers an accepted push at once, or keeps it for an offline device until it comes back.
 */
export class DeviceBook {
  private readonly devices = new Map<string, Device>();
  private readonly listeners = new Map<string, Set<DeliveryListener>>();
  private readonly apps: Set<string>;

  constructor(
    private readonly o: {
      environment: ApnsEnvironment;
      clock: Clock;
      bundleIds?: string[];
      onListenerError: (err: unknown) => void;
    },
  ) {
    this.apps = new Set(o.bundleIds ?? []);
  }

  register(reg: DeviceRegistration): DeviceState {
    const token = reg.token.toLowerCase();
    if (!HEX_TOKEN.test(token)) throw new Error('a device token is 64 to 200 hex digits');
    if (!reg.bundleId || reg.bundleId.endsWith('.voip')) {
      throw new Error('give the app bundle id (without .voip)');
    }
    const existing = this.devices.get(token);
    const device: Device = {
      token,
      bundleId: reg.bundleId,
      environment: reg.environment ?? this.o.environment,
      online: existing?.online ?? true,
      unregisteredAt: null,
      stored: existing?.stored ?? new Map(),
      log: existing?.log ?? [],
    };
    this.devices.set(token, device);
    this.apps.add(reg.bundleId);
    return stateOf(device);
  }

  find(token: string): Device | undefined {
    return this.devices.get(token.toLowerCase());
  }

  state(token: string): DeviceState | undefined {
    const d = this.find(token);
    return d && stateOf(d);
  }

  all(): DeviceState[] {
    return [...this.devices.values()].map(stateOf);
  }

  /** Whether pushes to this app's topic are known at all (a topic of another app is BadTopic). */
  knowsApp(app: string): boolean {
    return this.apps.has(app);
  }

  get appCount(): number {
    return this.apps.size;
  }

  unregister(token: string, at: number): DeviceState {
    const d = this.mustGet(token);
    d.unregisteredAt = at;
    d.stored.clear();
    return stateOf(d);
  }

  setOnline(token: string, online: boolean): DeviceState {
    const d = this.mustGet(token);
    d.online = online;
    if (online) {
      const now = this.o.clock.now();
      const waiting = [...d.stored.values()];
      d.stored.clear();
      for (const push of waiting) if (notExpired(push, now)) this.deliver(push, d);
    }
    return stateOf(d);
  }

  subscribe(token: string, listener: DeliveryListener): () => void {
    const key = token.toLowerCase();
    const set = this.listeners.get(key) ?? new Set();
    set.add(listener);
    this.listeners.set(key, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    };
  }

  subscriberCount(token: string): number {
    return this.listeners.get(token.toLowerCase())?.size ?? 0;
  }

  deliveries(token: string): Delivery[] {
    return [...(this.find(token)?.log ?? [])];
  }

  /** A push APNs accepted: delivered now, or stored for an offline device. */
  accept(delivery: Delivery, device: Device | undefined): void {
    if (!device || device.online) {
      this.deliver(delivery, device);
      return;
    }
    // Offline: expiration 0 means "now or never"; a newer push with the same collapse id replaces.
    if (delivery.expiration === 0 || !notExpired(delivery, this.o.clock.now())) return;
    const key = delivery.collapseId !== null ? `c:${delivery.collapseId}` : `id:${delivery.apnsId}`;
    device.stored.delete(key);
    device.stored.set(key, delivery);
  }

  private deliver(delivery: Delivery, device: Device | undefined): void {
    const done = { ...delivery, deliveredAt: this.o.clock.now() };
    if (device) {
      device.log.push(done);
      if (device.log.length > LOG_SIZE) device.log.shift();
    }
    for (const listener of [...(this.listeners.get(done.token) ?? [])]) {
      try {
        listener(done);
      } catch (err) {
        this.o.onListenerError(err);
      }
    }
  }

  private mustGet(token: string): Device {
    const d = this.find(token);
    if (!d) throw new Error(`unknown device token ${token}; register it first`);
    return d;
  }
}

const stateOf = (d: Device): DeviceState => ({
  token: d.token,
  bundleId: d.bundleId,
  environment: d.environment,
  online: d.online,
  unregisteredAt: d.unregisteredAt,
  stored: d.stored.size,
});

const notExpired = (d: Delivery, now: number) => d.expiration === null || now <= d.expiration * 1000;
