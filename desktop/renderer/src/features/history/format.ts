import type { Call } from '#shared';
import type { Names } from '../../store/names';
import { endSentence, stateLabel } from '../call';

/**
 * The end of a call in the same words as the call panel; a call still live (history lists calls
 * from the moment they start) says what it is doing now.
 */
export function outcomeText(call: Call, names: Names): string {
  if (call.state !== 'ended') return `Live: ${stateLabel(call).text.toLowerCase()}`;
  return endSentence(call, names);
}
