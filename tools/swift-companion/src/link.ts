import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * The phone's network to the call server (not to APNs): a TCP relay a scenario can cut and
 * restore. Cut, it drops every open connection and closes each new one at once, as a phone with
 * no data connection sees it; neither phone has to be told, so both meet the same fault.
 */
export class PhoneLink {
  private up = true;
  private readonly open = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<PhoneLink> {
    const { hostname, port } = new URL(target);
    let link: PhoneLink | undefined;
    const server = createServer((inbound) => link!.accept(inbound, hostname, Number(port)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the relay has no port');
    link = new PhoneLink(server, `http://127.0.0.1:${address.port}`);
    return link;
  }

  cut(): void {
    this.up = false;
    for (const s of this.open) s.destroy();
    this.open.clear();
  }

  restore(): void {
    this.up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(inbound: Socket, host: string, port: number): void {
    if (!this.up) {
      inbound.destroy();
      return;
    }
    const outbound = connect(port, host);
    for (const s of [inbound, outbound]) {
      this.open.add(s);
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
      s.on('close', () => {
        this.open.delete(s);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  }
}
