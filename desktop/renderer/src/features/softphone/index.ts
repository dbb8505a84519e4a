// One softphone per agent across their tabs and windows (issue 26): which page rings and plays.
export { thisPage } from './page';
export { SoftphoneBanner, useIsSoftphone } from './SoftphoneBanner';
