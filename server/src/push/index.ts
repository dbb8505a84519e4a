export { type ApnsGatewayOptions, type ApnsPushGateway, createApnsPushGateway } from './apns';
export { classifyApnsResponse, configErrorMessage } from './classify';
export { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from './retry';
export {
  type PushConfigProblem,
  type PushGateway,
  PushGatewayClosedError,
  type PushRequest,
  type PushResult,
} from './types';
export {
  ApnsConfigError,
  type ApnsCredentials,
  type ApnsCredentialsInput,
  validateApnsConfig,
} from './validate';
