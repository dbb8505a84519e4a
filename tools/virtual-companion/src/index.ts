export { inProcessNetwork, type PushNetwork, remoteNetwork } from './network';
export { VirtualPhone } from './phone';
export {
  type Behaviour,
  type Credentials,
  IGNORE,
  type LocalCall,
  type PhoneFaults,
  type VirtualPhoneOptions,
} from './phone-types';
