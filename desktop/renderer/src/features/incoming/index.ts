// Calls from phones offered to every agent, and the ringtone that announces them.
export { IncomingCalls } from './IncomingCalls';
export { ringtone } from './ringtone';
