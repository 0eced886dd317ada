import { request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, sent as given (no normalisation of `..` or encoding). */
  path: string;
  headers?: Record<string, string>;
  /** Sent as is; a Buffer may hold bytes that are not valid UTF-8. */
  body?: string | Buffer;
  /** Send the body with `Transfer-Encoding: chunked` instead of a length. */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP/1.1 request on its own connection, with exactly the bytes,
 * headers and path given: `fetch` would normalise the path, refuse some
 * header values and add a content type. Resolves once the answer is read,
 * even when the server answered before reading the whole body (an early 413).
 */
export function rawRequest(
  baseUrl: string,
  raw: RawRequest,
  timeoutMs = 15_000,
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      {
        host: hostname,
        port,
        method: raw.method,
        path: raw.path,
        agent: false,
        headers: {
          ...(raw.body !== undefined && !raw.chunked
            ? { 'Content-Length': String(Buffer.byteLength(raw.body)) }
            : {}),
          ...raw.headers,
        },
      },
      (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(parts).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`no answer within ${timeoutMs} ms`)),
    );
    // Writing the rest of a body the server already refused may fail: the
    // answer is what counts.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (raw.body === undefined) {
      req.end();
    } else if (raw.chunked) {
      const body = Buffer.from(raw.body);
      const size = 64 * 1024;
      for (let at = 0; at < body.length; at += size) {
        req.write(body.subarray(at, at + size));
      }
      req.end();
    } else {
      req.end(raw.body);
    }
  });
}
