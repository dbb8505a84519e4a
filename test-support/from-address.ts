import { request } from 'node:http';

/**
 * The n-th loopback address, 127.0.0.<n> (n from 1 to 254). On Linux the whole of 127.0.0.0/8
 * reaches a server listening on 127.0.0.1, so one test can act as many clients with distinct
 * addresses, which is what per-IP limits see.
 */
export const loopback = (n: number): string => `127.0.0.${n}`;

export interface JsonResponse {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
}

/** POSTs a JSON body from the given local address (fetch cannot choose one). */
export function postJsonFrom(
  url: string,
  body: unknown,
  opts: { localAddress: string; headers?: Record<string, string> },
): Promise<JsonResponse> {
  const target = new URL(url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        localAddress: opts.localAddress,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
          } catch (error) {
            reject(
              new Error(`${url} answered ${res.statusCode} with a body that is not JSON: ${text}`, {
                cause: error,
              }),
            );
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
