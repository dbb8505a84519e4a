// The connection and the server's health, in the top bar and in banners.
export { Banners } from './Banners';
export { ConnectionIndicator } from './ConnectionIndicator';
