// Video in calls (issue 27): the call panel's video, and snapshots in a call's history.
export { CallSnapshots } from './CallSnapshots';
export { VideoPanel } from './VideoPanel';
export { VideoSettingsCard } from './VideoSettingsCard';
