// Pairing a phone by QR code or one-time code.
export { PairDialog } from './PairDialog';
