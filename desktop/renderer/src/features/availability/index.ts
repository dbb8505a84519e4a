// Agents' availability: the top bar's own control and the Team presence strip every console shows.
export { AvailabilityControl } from './AvailabilityControl';
export { PresenceStrip } from './PresenceStrip';
