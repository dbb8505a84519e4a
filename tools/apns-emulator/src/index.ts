export {
  ApnsEmulatorClient,
  connectEmulator,
  type DeliveryStream,
  EmulatorClientError,
  type EmulatorClientOptions,
} from './client';
export { CONTROL_PREFIX, faultSchema } from './control';
export {
  type ApnsEmulator,
  type ApnsEmulatorOptions,
  DEFAULT_MAX_PAYLOAD,
  type DeliveryListener,
  type EmulatorLogger,
  MAX_COLLAPSE_ID_BYTES,
  startApnsEmulator,
  VOIP_MAX_PAYLOAD,
} from './emulator';
export { createEmulatorPushGateway } from './gateway';
export { ProviderTokenVerifier, signProviderToken, TOKEN_FUTURE_SKEW_S, TOKEN_MAX_AGE_S } from './jwt';
export {
  appleStyleId,
  generateProviderKey,
  generateTlsCertificate,
  publicKeyOf,
  type TlsMaterial,
} from './keys';
export * from './types';
