import type { Clock } from '#shared';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { RateLimiter } from '../rate-limit';
import type { Storage } from '../storage/types';
import type { Hub } from './hub';

export interface GatewayContext {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  hub: Hub;
  requestOptions: {
    limiter: RateLimiter;
    logger: Logger;
    track: <T>(p: Promise<T>) => Promise<T>;
  };
}
