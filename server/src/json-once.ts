/**
 * JSON made once per object that nothing changes any more: a call's version is turned into JSON
 * for its write to the database (storage/calls.ts), and every frame that carries it takes the same
 * text (gateways/encoder.ts) instead of making it again.
 */
const texts = new WeakMap<object, string>();

/**
 * `value`'s JSON, made once: `value` must never change after (calls are values: the state machine
 * builds each version anew, shared machine.ts).
 */
export function jsonOnce(value: object): string {
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/** The JSON `jsonOnce` made of `value`, if it made one. */
export function knownJson(value: object): string | undefined {
  return texts.get(value);
}
