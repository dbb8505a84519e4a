import type { AgentClientEvents, Call, Callback, RequestAck, RequestPayload } from '#shared';
import type { Finding } from './check';
import type { Random } from './random';

/** What a scripted agent lends its callbacks: its requests and a call to talk on. */
export interface CallbackDeps {
  agentId: string;
  random: Random;
  req<E extends keyof AgentClientEvents & string>(
    event: E,
    payload: RequestPayload<AgentClientEvents, E>,
  ): Promise<RequestAck<AgentClientEvents, E>>;
  refused(code: string): void;
  /** A call back the server placed for this agent: counted, then talked on and hung up. */
  placed(call: Call): Promise<void>;
}

/** Share of an idle agent's turns spent on the callbacks queue instead of placing a call. */
const CALLBACK_SHARE = 0.15;

/**
 * The soak's callbacks (issue 24 item 4): calls from phones that nobody answered (or that found
 * no agent Available) queue callbacks; idle agents claim one at random, racing each other, then
 * call back (its answer closes it), close it by hand, or give it back. The invariants then find
 * every unanswered call counted on a callback, and no callback left open whose call back was
 * answered.
 */
export class SoakCallbacks {
  readonly done = new Map<string, number>();

  constructor(private readonly o: CallbackDeps) {}

  /** One turn of an idle agent: false when it is not spent on a callback. */
  async maybeWork(): Promise<boolean> {
    const { random, req } = this.o;
    if (random.next() >= CALLBACK_SHARE) return false;
    const list = await req('callbacks:list', {});
    if (!list.ok) return false;
    const free = list.data.callbacks.filter((c) => c.claimedBy === null);
    if (free.length === 0) return false;
    const chosen = random.pick(free);
    const claim = await req('callback:claim', { callbackId: chosen.id });
    if (!claim.ok) {
      this.o.refused(`callback:claim:${claim.error.code}`);
      return true;
    }
    this.count('claimed');
    const roll = random.next();
    if (roll < 0.7) {
      const ack = await req('callback:call', { callbackId: chosen.id });
      if (!ack.ok) {
        this.o.refused(`callback:call:${ack.error.code}`);
        await this.giveBack(chosen.id);
        return true;
      }
      this.count('called back');
      await this.o.placed(ack.data.call);
      // Not answered: another agent may try later.
      await this.giveBack(chosen.id);
    } else if (roll < 0.85) {
      const ack = await req('callback:close', { callbackId: chosen.id, reason: 'soak: sorted another way' });
      if (ack.ok) this.count('closed by hand');
      else this.o.refused(`callback:close:${ack.error.code}`);
    } else {
      await this.giveBack(chosen.id);
    }
    return true;
  }

  /** Releases a callback this agent still holds (its call back was not answered, or it chose to). */
  private async giveBack(callbackId: string): Promise<void> {
    const ack = await this.o.req('callback:release', { callbackId });
    if (ack.ok) this.count('released');
    // Closed meanwhile (the call back was answered): nothing to give back.
    else if (ack.error.code !== 'CONFLICT') this.o.refused(`callback:release:${ack.error.code}`);
  }

  private count(what: string): void {
    this.done.set(what, (this.done.get(what) ?? 0) + 1);
  }
}

/**
 * The callbacks' invariants: every inbound call that ended unanswered is counted on a callback of
 * its caller (`lost` otherwise), and no callback is left open once a call back from the agent who
 * claimed it was answered (`stuck`).
 */
export function checkCallbacks(
  calls: Call[],
  callbacks: Callback[],
): { findings: Finding[]; summary: string } {
  const findings: Finding[] = [];
  const unanswered = new Map<string, Call[]>();
  for (const call of calls) {
    if (call.direction !== 'inbound' || call.state !== 'ended' || call.answeredAt !== null) continue;
    unanswered.set(call.staffId, [...(unanswered.get(call.staffId) ?? []), call]);
  }
  for (const [staffId, missed] of unanswered) {
    const counted = callbacks.filter((c) => c.staffId === staffId).reduce((n, c) => n + c.missedCalls, 0);
    if (counted < missed.length) {
      findings.push({
        invariant: 'lost',
        callId: missed.at(-1)!.id,
        detail: `staff member ${staffId}: ${missed.length} unanswered calls, ${counted} counted on callbacks`,
      });
    }
  }
  for (const cb of callbacks) {
    if (cb.state !== 'open' || cb.claimedBy === null || cb.claimedAt === null) continue;
    const answered = calls.find(
      (c) =>
        c.direction === 'outbound' &&
        c.agentId === cb.claimedBy &&
        c.staffId === cb.staffId &&
        c.answeredAt !== null &&
        c.answeredAt >= cb.claimedAt!,
    );
    if (answered) {
      findings.push({
        invariant: 'stuck',
        callId: answered.id,
        detail: `callback ${cb.id} still open, claimed by ${cb.claimedByName}, whose call back was answered`,
      });
    }
  }
  const open = callbacks.filter((c) => c.state === 'open').length;
  const byHand = callbacks.filter((c) => c.state === 'closed' && c.closeReason !== 'answered').length;
  const answered = callbacks.filter((c) => c.closeReason === 'answered').length;
  const missed = [...unanswered.values()].reduce((n, l) => n + l.length, 0);
  const summary = `${callbacks.length} queued for ${missed} unanswered calls; closed answered ${answered}, closed by hand ${byHand}, open ${open}`;
  return { findings, summary };
}
