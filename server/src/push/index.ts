export {
  type ApnsGatewayOptions,
  type ApnsPushGateway,
  backoffDelay,
  createApnsPushGateway,
  DEFAULT_RETRY,
  type RetryPolicy,
} from './apns';
export { classifyApnsResponse, configErrorMessage } from './classify';
export type { PushConfigProblem, PushGateway, PushRequest, PushResult } from './types';
export {
  ApnsConfigError,
  type ApnsCredentials,
  type ApnsCredentialsInput,
  validateApnsConfig,
} from './validate';
