export { inProcessNetwork, type PushNetwork, remoteNetwork } from './network';
export {
  type Behaviour,
  type Credentials,
  IGNORE,
  type LocalCall,
  VirtualPhone,
  type VirtualPhoneOptions,
} from './phone';
