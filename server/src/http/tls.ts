import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

/** A certificate and its private key, PEM: the server then speaks HTTPS (and Socket.IO over it). */
export interface TlsConfig {
  cert: string;
  key: string;
}

/** The TLS certificate as phones pin it: its SHA-256 over the DER, 64 lowercase hex digits. */
export function certificateFingerprint(certPem: string): string {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
}

/**
 * The fingerprint pairing links carry, or null. Only a certificate that signs itself (the desktop
 * app's, or one an operator made) is pinned: a phone trusts one from a public CA by the usual
 * chain, and a pin would break it at the CA's next renewal.
 */
export function pinnedFingerprint(certPem: string): string | null {
  const cert = new X509Certificate(certPem);
  // Names and signature only: OpenSSL's checkIssued also wants keyCertSign, which a server
  // certificate that is no CA (the desktop app's) rightly lacks.
  const selfSigned = cert.issuer === cert.subject && cert.verify(cert.publicKey);
  return selfSigned ? certificateFingerprint(certPem) : null;
}

/**
 * The Node server under Fastify: plain HTTP, or HTTPS with `tls`. An https.Server is an
 * http.Server to everything above it (Fastify, Socket.IO, `listen`, `address`).
 */
export function nodeServer(tls: TlsConfig | undefined) {
  return (handler: RequestListener): HttpServer =>
    tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createHttpServer(handler);
}

/** Checks a key and certificate belong together before anything listens, in words. */
export function checkTls(tls: TlsConfig): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(tls.cert);
  } catch (e) {
    throw new Error(`the TLS certificate cannot be read: ${(e as Error).message}`);
  }
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(tls.key));
  } catch (e) {
    throw new Error(`the TLS key cannot be read: ${(e as Error).message}`);
  }
  if (!matches) throw new Error('the TLS key does not belong to the certificate');
}
