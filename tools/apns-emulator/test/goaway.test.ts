import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ManualClock, manualClock } from '#shared';
import { type ApnsEmulator, type GeneratedProviderKey, generateProviderKey, startApnsEmulator } from '../src';
import { BUNDLE, newToken, rawClient } from './helpers';

let key: GeneratedProviderKey;
let clock: ManualClock;
let emu: ApnsEmulator;
let client: ReturnType<typeof rawClient>;

beforeAll(async () => {
  key = generateProviderKey();
  clock = manualClock(Date.now());
  emu = await startApnsEmulator({ keys: [key], clock });
  client = rawClient(emu, key);
});
afterAll(async () => {
  client.close();
  await emu.close();
});

const device = () => {
  const token = newToken();
  emu.registerDevice({ token, bundleId: BUNDLE });
  return token;
};

// Found by tools/soak: a GOAWAY whose last stream id was below a stream still open (a delayed
// answer's) made nghttp2 close that stream under Node while the GOAWAY went out, and Node 20's heap
// was corrupted ("corrupted size vs. prev_size") when the answer came. A graceful GOAWAY leaves
// the streams already open to finish, as APNs does.
it('a GOAWAY refuses its own request and lets a newer request already open on the connection finish', async () => {
  const refused = device();
  const slow = device();
  emu.fault(refused, { type: 'goaway' });
  emu.fault(slow, { type: 'delay', ms: 1000 });
  const session = client.session;
  // One answered request first, so the refused one is not the connection's first stream.
  expect((await client.push(device())).status).toBe(200);
  const goaway = once(session, 'goaway');
  // Sent together: the slow request's stream id is above the refused one's.
  const first = client.push(refused);
  const second = client.push(slow);
  await expect(first).rejects.toThrow(/rstCode 7|REFUSED_STREAM/);
  await goaway;
  await clock.whenPending();
  clock.advance(1000);
  await expect(second).resolves.toMatchObject({ status: 200 });
  expect(emu.deliveries(slow)).toHaveLength(1);
  expect(emu.deliveries(refused)).toHaveLength(0);
});
