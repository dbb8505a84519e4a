export { inProcessNetwork, type PushNetwork, remoteNetwork } from './network';
export {
  type Behaviour,
  type Credentials,
  IGNORE,
  type LocalCall,
  type PhoneFaults,
  VirtualPhone,
  type VirtualPhoneOptions,
} from './phone';
