// Handing a live call to another agent: blind or after a consultation between the two consoles.
export { ConsultSession } from './ConsultSession';
// What a supervision (features/supervise) reuses: the supervisor's console answers as a phone does.
export { type AnswerPeer, ConsultAnswerer, type ConsultPhase } from './consult/answerer';
export { TransferOffers } from './TransferOffers';
export { TransferStatus } from './TransferStatus';
