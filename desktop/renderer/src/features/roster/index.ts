// Staff and their phones.
export { RosterScreen } from './RosterScreen';
