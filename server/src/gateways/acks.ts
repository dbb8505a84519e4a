import type { CallCancelledPayload } from '#shared';

/**
 * The one place the server asks a client to acknowledge a broadcast: `call:cancelled` to a phone
 * (issue 21 item 6). A client's own requests go through shared/src/request.ts; this is the other
 * direction, and the only event the server needs an answer to.
 */
type AckTarget = { emit(event: string, payload: unknown, ack: (...answers: unknown[]) => void): unknown };

/** One local socket: `acknowledged` runs when the phone calls its ack. */
export function askCancelAck(
  socket: AckTarget,
  cancel: CallCancelledPayload,
  acknowledged: () => void,
): void {
  socket.emit('call:cancelled', cancel, () => acknowledged());
}

/**
 * A room across the cluster's nodes (`io.to(room).timeout(ms)`): the broadcast waits `timeoutMs`
 * at most, and resolves whether any socket answered by then.
 */
export function askCancelAckAcross(room: AckTarget, cancel: CallCancelledPayload): Promise<boolean> {
  return new Promise((resolve) =>
    room.emit('call:cancelled', cancel, (_err: unknown, answers: unknown) =>
      resolve(Array.isArray(answers) && answers.length > 0),
    ),
  );
}
