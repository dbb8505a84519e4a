// The Network test (issue 25 item 9): which ways to the call servers work from here.
export { NetworkSettings } from './NetworkSettings';
export { NetworkTest } from './NetworkTest';
export { networkVerdict } from './words';
