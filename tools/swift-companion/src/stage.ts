import type { Call } from '#shared';
import { type Engine, freshDatabase } from '../../../test-support/databases';
import { type Harness, startHarness } from '../../../test-support/harness';
import type { TestClient } from '../../../test-support/socket-client';
import { inProcessNetwork } from '../../virtual-companion/src/network';
import type { HarnessProcess } from './bridge';
import { PhoneLink } from './link';
import { type ScenarioPhone, SwiftPhone, TsPhone } from './phones';

export type PhoneKind = 'swift' | 'virtual';

/** STUN and TURN as a deployment gives them: the phone must have TURN before it answers. */
export const ICE = {
  stun: ['stun:stun.example.test:3478'],
  turn: ['turn:turn.example.test:3478?transport=udp'],
  turnSecret: 'turn shared secret for the companion scenarios',
  turnTtlMs: 600_000,
  policy: 'all' as const,
};

/**
 * The kinds of push sent, a repeat of the same kind once: the server may send a cancel again when
 * the call push's own answer could still land after it (push-ledger.ts), which depends on timing
 * in the server, not on the phone.
 */
const kinds = (all: string[]) => all.filter((kind, i) => kind !== all[i - 1]);

/** How a scenario ended, in terms both phones can be compared on. */
export interface Outcome {
  /** The phone's own record of each call: the end reason it shows. */
  phone: (string | null)[];
  /** The server's calls, oldest first: state, end reason, this phone's leg, what it reported, pushes sent. */
  calls: {
    state: string;
    endReason: string | null;
    leg: string | null;
    reports: string[];
    /** What the phone sent (`call:report`), in order. */
    sent: string[];
    pushes: string[];
  }[];
  /** Anything else the scenario checks. */
  extra?: Record<string, unknown>;
}

/**
 * One scenario's world: a real server on SQLite, the APNs emulator, an agent signed in over the
 * console protocol, a staff member, and one phone (Swift or TypeScript) reaching the server
 * through a link the scenario can cut.
 */
export class Stage {
  h!: Harness;
  agent!: TestClient & { agentId: string; token: string };
  staffId = '';
  link!: PhoneLink;
  phone!: ScenarioPhone;
  private dispose: (() => Promise<void>) | null = null;
  private readonly placed: string[] = [];

  private constructor(readonly kind: PhoneKind) {}

  static async start(kind: PhoneKind, harness: HarnessProcess | null, log?: (line: string) => void) {
    const stage = new Stage(kind);
    const engine: Engine = 'sqlite';
    const db = await freshDatabase(engine);
    stage.dispose = db.dispose;
    stage.h = await startHarness({ databaseUrl: db.url, config: { ice: ICE } });
    await stage.signIn();
    stage.link = await PhoneLink.start(stage.h.url);
    const setup = {
      server: stage.link.url,
      network: inProcessNetwork(stage.h.emulator!),
      clock: stage.h.clock,
      log,
    };
    stage.phone = kind === 'swift' ? new SwiftPhone(harness!, setup) : new TsPhone(setup);
    const { code } = await stage.agent.ok<{ code: string }>('pairing:create', { staffId: stage.staffId });
    await stage.phone.pair(code);
    return stage;
  }

  async place(): Promise<Call> {
    const call = await this.agent.ok<Call>('call:place', { staffId: this.staffId });
    this.placed.push(call.id);
    return call;
  }

  /** A call the phone placed, counted in the outcome. */
  track(callId: string): void {
    this.placed.push(callId);
  }

  changed(callId: string, state: Call['state']): Promise<unknown> {
    return this.agent.waitFor<{ call: Call }>(
      'call:changed',
      (p) => p.call.id === callId && p.call.state === state,
    );
  }

  /**
   * The console's side of the media once the phone answered (or the agent accepted): its offer.
   * The phone's media connects with it, and the phone reports `connected`: the call is active.
   */
  async consoleOffers(callId: string): Promise<void> {
    await this.changed(callId, 'connecting');
    await this.agent.ok('rtc:signal', { callId, signal: { type: 'offer', sdp: 'v=0\r\n' } });
    await this.changed(callId, 'active');
  }

  /** The server restarts on the same port and database; the agent signs in again. */
  async restart(): Promise<void> {
    const emulator = { instance: this.h.emulator!, key: this.h.key };
    const port = Number(new URL(this.h.url).port);
    const databaseUrl = this.h.databaseUrl;
    this.agent.close();
    await this.h.server.close();
    this.h = await startHarness({ databaseUrl, emulator, port, config: { ice: ICE } });
    await this.signIn(false);
  }

  async outcome(extra?: Record<string, unknown>): Promise<Outcome> {
    await this.h.idle();
    const phone = await Promise.all(this.placed.map((id) => this.phone.ended(id)));
    const calls = [];
    for (const id of this.placed) {
      const call = await this.h.storage.calls.get(id);
      if (!call) throw new Error(`no call ${id}`);
      const mine = (e: { actorId: string | null }) => e.actorId === this.phone.deviceId;
      calls.push({
        state: call.state,
        endReason: call.endReason,
        leg: call.devices.find((l) => l.deviceId === this.phone.deviceId)?.endReason ?? null,
        reports: call.timeline.filter((e) => e.source === 'device' && mine(e)).map((e) => e.event),
        sent: this.phone.sent(id),
        pushes: kinds(call.pushes.filter((p) => p.outcome === 'accepted').map((p) => p.kind)),
      });
    }
    return { phone, calls, ...(extra ? { extra } : {}) };
  }

  async close(): Promise<void> {
    await this.phone?.close();
    await this.link?.close();
    await this.h?.close();
    await this.dispose?.();
  }

  private async signIn(first = true): Promise<void> {
    this.agent = await this.h.agent('alice');
    if (first) this.staffId = (await this.h.staff(this.agent, 'Ana')).id;
  }
}
