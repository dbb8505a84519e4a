/**
 * The call server's public surface: what the CLI, the demo, the desktop app, the benchmarks and
 * the tools build on. Everything else in server/src is internal and may change without notice.
 */
export { createServer, type ServerDeps, type SwitchboardServer } from './app';
export { hashPassword, hashSecret, newSecret, verifyPassword } from './auth/secrets';
export { ClusterConfigError, type ClusterOptions, checkClusterOptions } from './cluster';
export { type CliConfig, ConfigError, helpText, parseConfig } from './config';
export { DEFAULT_SERVER_CONFIG, type ServerConfig } from './config/server';
export { createLogger, type Logger } from './ops/logger';
export {
  ApnsConfigError,
  type ApnsGatewayOptions,
  type ApnsPushGateway,
  classifyApnsResponse,
  createApnsPushGateway,
  type PushGateway,
  type PushRequest,
  type PushResult,
} from './push';
export {
  DatabaseInUseError,
  describeTarget,
  type OpenStorageOptions,
  openStorage,
  parseStorageUrl,
} from './storage';
export type { AgentRow, DeviceRow, StaffRow, Storage } from './storage/types';
