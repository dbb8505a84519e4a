// Handing a live call to another agent: blind or after a consultation between the two consoles.
export { ConsultSession } from './ConsultSession';
export { TransferOffers } from './TransferOffers';
export { TransferStatus } from './TransferStatus';
