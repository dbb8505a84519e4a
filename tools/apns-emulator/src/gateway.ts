import { type ApnsGatewayOptions, type ApnsPushGateway, createApnsPushGateway } from '../../../server/src';

/**
 * The server's real APNs gateway, aimed at an APNs emulator and signing with a provider key the
 * emulator trusts: what demo mode, the tests and the benchmarks all need. It lives with the emulator
 * because only the emulator gives it meaning; the server itself only knows Apple-style endpoints.
 */
export function createEmulatorPushGateway(
  target: { port: number; ca: string; address?: string },
  key: { keyId: string; teamId: string; privateKeyPem: string },
  options: Pick<ApnsGatewayOptions, 'bundleId' | 'clock' | 'logger' | 'requestTimeoutMs'>,
): ApnsPushGateway {
  return createApnsPushGateway({
    keyPem: key.privateKeyPem,
    keyId: key.keyId,
    teamId: key.teamId,
    endpoint: { address: target.address ?? '127.0.0.1', port: target.port, ca: target.ca },
    ...options,
  });
}
