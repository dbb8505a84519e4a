import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { agentRequests, deviceRequests, MAX_SOCKET_MESSAGE_BYTES } from '#shared';
import { maxJsonBytes } from './message-size';

/** Socket.IO's frame around a request: `42/agent,<ack id>["<event>",` … `]`. */
const envelope = (event: string) => 32 + event.length;

// Issue 22 item 10: a message over the server's cap closes the socket before anything reads it,
// so the client waits out its request unanswered (directory:set with 1,100 entries did). Every
// request a schema accepts must fit.
describe('socket requests', () => {
  it('fit within the message cap at their largest', () => {
    const requests: Record<string, z.ZodType> = { ...agentRequests, ...deviceRequests };
    const over = Object.entries(requests)
      .map(([event, schema]) => ({ event, bytes: maxJsonBytes(schema) + envelope(event) }))
      .filter(({ bytes }) => bytes > MAX_SOCKET_MESSAGE_BYTES);
    expect(over).toEqual([]);
  });

  it('are measured at their largest: bounds, escapes, patterns, optional fields', () => {
    expect(maxJsonBytes(z.string().max(3))).toBe(2 + 3 * 6);
    expect(
      maxJsonBytes(
        z
          .string()
          .max(3)
          .regex(/^[a-z]*$/),
      ),
    ).toBe(2 + 3 * 2);
    expect(maxJsonBytes(z.string())).toBe(Number.POSITIVE_INFINITY);
    expect(maxJsonBytes(z.array(z.boolean()).max(2))).toBe(2 + 2 * 6);
    const object = z.object({ a: z.literal('x'), b: z.number().optional() });
    expect(maxJsonBytes(object)).toBe(2 + ('"a":'.length + 3) + 1 + ('"b":'.length + 24));
    // The estimate holds for a real value at the bounds: control characters, six bytes each.
    const worst = { a: 'x', b: -1.7976931348623157e308 };
    expect(Buffer.byteLength(JSON.stringify(worst))).toBeLessThanOrEqual(maxJsonBytes(object));
    expect(Buffer.byteLength(JSON.stringify('\u0001\u0002\u0003'))).toBe(maxJsonBytes(z.string().max(3)));
  });
});
