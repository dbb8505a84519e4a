import type { EndReason } from '#shared';
import type { Harness } from '../../../test-support/harness';
import type { TestClient } from '../../../test-support/socket-client';
import { type Behaviour, inProcessNetwork, VirtualPhone } from '../src';

/** Pairs and starts a virtual phone for a staff member, on the harness's emulator and clock. */
export async function virtualPhone(
  h: Harness,
  agent: TestClient,
  staffId: string,
  behaviour: Partial<Behaviour> = {},
): Promise<VirtualPhone> {
  const phone = new VirtualPhone({
    server: h.url,
    network: inProcessNetwork(h.emulator!),
    behaviour,
    clock: h.clock,
  });
  const { code } = await agent.ok<{ code: string }>('pairing:create', { staffId });
  await phone.pair(code);
  await phone.start();
  return phone;
}

/** Resolves when the phone's own call ends, with the reason it ended. */
export function phoneEnded(phone: VirtualPhone, callId: string): Promise<EndReason> {
  const call = phone.calls.get(callId);
  if (call?.state === 'ended') return Promise.resolve(call.endReason!);
  return new Promise((resolve) => {
    const onEnded = (id: string, reason: EndReason) => {
      if (id !== callId) return;
      phone.off('ended', onEnded);
      resolve(reason);
    };
    phone.on('ended', onEnded);
  });
}

/** Resolves when the phone starts ringing for a call (any call, or the given one). */
export function phoneRings(phone: VirtualPhone, callId?: string): Promise<string> {
  const existing = callId ? phone.calls.get(callId) : undefined;
  if (existing) return Promise.resolve(existing.id);
  return new Promise((resolve) => {
    const onRinging = (id: string) => {
      if (callId && id !== callId) return;
      phone.off('ringing', onRinging);
      resolve(id);
    };
    phone.on('ringing', onRinging);
  });
}
