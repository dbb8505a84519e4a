import type { Clock } from '#shared';
import type { SocketLimiter } from '../auth/rate-limit';
import type { ClientAddresses } from '../http/client-address';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import type { Storage } from '../storage/types';
import type { Hub } from './hub';

export interface GatewayContext {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  hub: Hub;
  /** Who a handshake comes from (the same rule as HTTP's `trustProxy`). */
  addresses: ClientAddresses;
  requestOptions: {
    limiter: SocketLimiter;
    logger: Logger;
    track: <T>(p: Promise<T>) => Promise<T>;
  };
}
