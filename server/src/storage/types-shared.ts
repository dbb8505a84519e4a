export type { ApnsEnvironment, Call, Direction as DirectionFilter, DirectoryEntry, EndReason } from '#shared';
