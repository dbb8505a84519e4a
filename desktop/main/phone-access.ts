import type { EmbeddedConfig } from './embedded/protocol';
import type { LanCertificate, LanCertificateStore } from './lan-certificate';

export interface PhoneAccessDeps {
  /** The kept certificate of "Let phones on this network connect". */
  certificates: Pick<LanCertificateStore, 'ensure' | 'protection'>;
  /** This computer's address on the local network, for phones; null when it has none. */
  lanAddress: () => string | null;
  /** This computer's name, put in the certificate beside its address. */
  hostname?: string;
}

/**
 * "Let phones on this network connect" (issue 20 items 1 and 10): off, this computer's server
 * listens on loopback only; on, on every interface and only over TLS, with the certificate the
 * app keeps, and phones are given its https address (never plain HTTP off this computer).
 */
export class PhoneAccess {
  private certificate: LanCertificate | null = null;
  private why: string | null = null;

  constructor(private readonly d: PhoneAccessDeps) {}

  /** Why phones cannot be let in here at all, or null. */
  refusal(): string | null {
    return this.d.certificates.protection() === 'unavailable'
      ? 'this computer offers no encrypted storage for the certificate phones pin, so they cannot be let in'
      : null;
  }

  /**
   * Before each start of the server: the kept certificate (made or renewed as needed) when phones
   * may connect. Without it the server stays on this computer, and `problem` says why.
   */
  async prepare(phonesOnNetwork: boolean): Promise<void> {
    this.certificate = null;
    this.why = null;
    if (!phonesOnNetwork) return;
    const names = [this.d.lanAddress(), this.d.hostname].filter((n): n is string => !!n);
    try {
      this.certificate = await this.d.certificates.ensure(names);
    } catch (e) {
      this.why = `phones cannot be let in: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Why phones were asked in but are not, or null. */
  get problem(): string | null {
    return this.why;
  }

  /** How the server listens, and what it tells phones. */
  listening(port: number): Pick<EmbeddedConfig, 'host' | 'publicUrl' | 'tls'> {
    const cert = this.certificate;
    if (!cert) return { host: '127.0.0.1', publicUrl: undefined, tls: undefined };
    return {
      host: '0.0.0.0',
      publicUrl: this.phoneUrl(port) ?? undefined,
      tls: { cert: cert.cert, key: cert.key },
    };
  }

  /** The address phones are given, while they may connect: this computer's LAN address, https. */
  phoneUrl(port: number): string | null {
    const address = this.certificate && this.d.lanAddress();
    return address ? `https://${address}:${port}` : null;
  }

  /** The certificate phones pin, while they may connect (never its key). */
  view(): { fingerprint: string; expiresAt: number } | null {
    return (
      this.certificate && { fingerprint: this.certificate.fingerprint, expiresAt: this.certificate.expiresAt }
    );
  }
}
