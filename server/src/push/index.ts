export { type ApnsGatewayOptions, type ApnsPushGateway, createApnsPushGateway } from './apns';
export { classifyApnsResponse, configErrorMessage } from './classify';
export { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from './retry';
export type { PushConfigProblem, PushGateway, PushRequest, PushResult } from './types';
export {
  ApnsConfigError,
  type ApnsCredentials,
  type ApnsCredentialsInput,
  validateApnsConfig,
} from './validate';
