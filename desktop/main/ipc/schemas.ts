import { z } from 'zod';
import { APNS_ENVIRONMENTS, CALL_STATES } from '#shared';
import type {
  MessageChannel,
  RendererMessages,
  RendererRequests,
  RequestChannel,
} from '../../preload/contract';

// What the window may send, checked before any handler runs: the window is sandboxed, but it
// runs a web page, and main treats what it says as input, never as trusted.

const none = z.tuple([]);
const text = (max: number) => z.string().max(max);

export const requestArgs = {
  'session:owner': none,
  'settings:get': none,
  'server:use-embedded': none,
  'server:use-remote': z.tuple([text(2000)]),
  'server:configure-embedded': z.tuple([
    z.object({ port: z.number().int().min(1024).max(65_535), phonesOnNetwork: z.boolean() }).strict(),
  ]),
  'server:about': none,
  'apns:choose-key': none,
  'apns:save': z.tuple([
    z
      .object({
        keyId: text(40),
        teamId: text(40),
        bundleId: text(200),
        environment: z.enum(APNS_ENVIRONMENTS).nullable(),
      })
      .strict(),
  ]),
  'apns:clear': none,
} as const satisfies { [C in RequestChannel]: z.ZodType<Parameters<RendererRequests[C]>> };

const id = text(64);
const name = text(200);

export const messagePayloads = {
  'console:state': z
    .object({
      agent: name.nullable(),
      connection: z.enum(['signed-out', 'connecting', 'connected', 'reconnecting']),
      call: z
        .object({ callId: id, peer: name, state: z.enum(CALL_STATES), muted: z.boolean() })
        .strict()
        .nullable(),
      ringing: z.array(z.object({ callId: id, caller: name }).strict()).max(50),
      rings: z.boolean(),
      missed: z.array(z.object({ callId: id, caller: name, at: z.number() }).strict()).max(200),
      healthAlerts: z
        .array(z.object({ deviceId: id, at: z.number(), title: name, body: text(600) }).strict())
        .max(200)
        .optional(),
    })
    .strict(),
} as const satisfies { [C in MessageChannel]: z.ZodType<Parameters<RendererMessages[C]>[0]> };
