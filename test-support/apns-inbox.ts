import type { PushContent } from '#shared';
import type { ApnsEmulator } from '../tools/apns-emulator/src';

/** Collects what the APNs emulator delivered to one token, and waits for a matching push. */
export function inbox(emulator: ApnsEmulator, token: string) {
  const pushes: PushContent[] = [];
  const waiters: { match: (p: PushContent) => boolean; resolve: (p: PushContent) => void }[] = [];
  const unsubscribe = emulator.subscribe(token, (delivery) => {
    const push = (delivery.payload as { switchboard: PushContent }).switchboard;
    pushes.push(push);
    for (const w of [...waiters]) {
      if (w.match(push)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(push);
      }
    }
  });
  return {
    pushes,
    unsubscribe,
    next(match: (p: PushContent) => boolean): Promise<PushContent> {
      const seen = pushes.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
