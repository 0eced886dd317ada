// HTTP/1.1 by hand over `net` sockets, as cheap as a client can be: requests
// are written as strings, responses are scanned as bytes for the few markers
// the bench needs, never parsed into events.
import net from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Counts occurrences of one byte pattern in a stream of chunks, including
 * those split across two chunks, without copying the chunks.
 */
export class PatternCounter {
  count = 0;
  /** @param {string} pattern */
  constructor(pattern) {
    this.pattern = Buffer.from(pattern);
    /** @type {Buffer} the last bytes seen, shorter than the pattern */
    this.tail = Buffer.alloc(0);
  }

  /** @param {Buffer} chunk */
  feed(chunk) {
    const { pattern } = this;
    if (this.tail.length > 0) {
      // Only a match that starts in the tail is new here.
      const seam = Buffer.concat([
        this.tail,
        chunk.subarray(0, pattern.length - 1),
      ]);
      for (
        let at = seam.indexOf(pattern);
        at >= 0 && at < this.tail.length;
        at = seam.indexOf(pattern, at + 1)
      )
        this.count++;
    }
    for (
      let at = chunk.indexOf(pattern);
      at >= 0;
      at = chunk.indexOf(pattern, at + pattern.length)
    )
      this.count++;
    const keep = Math.min(pattern.length - 1, chunk.length);
    this.tail =
      chunk.length >= pattern.length - 1
        ? Buffer.from(chunk.subarray(chunk.length - keep))
        : Buffer.concat([this.tail, chunk]).subarray(-(pattern.length - 1));
  }
}

/** @param {number} port */
export function connect(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * A response's status line and headers, then its body bytes as they come.
 * @param {net.Socket} socket
 * @param {(status: number, head: string) => void} onHead
 * @param {(chunk: Buffer) => void} onBody
 */
export function readResponse(socket, onHead, onBody) {
  /** @type {Buffer | undefined} */
  let head = Buffer.alloc(0);
  socket.on('data', (/** @type {Buffer} */ chunk) => {
    if (!head) return onBody(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf(HEADER_END);
    if (end < 0) return;
    const text = head.subarray(0, end).toString('latin1');
    const rest = head.subarray(end + HEADER_END.length);
    head = undefined;
    onHead(Number(text.slice(9, 12)), text);
    if (rest.length > 0) onBody(rest);
  });
}

/** @param {string} path */
export const getEventsRequest = (path) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`;

/** @param {string} path @param {string} body */
export const postJsonRequest = (path, body) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
  `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/**
 * Sends POSTs one after another on one kept-alive connection; resolves with
 * their statuses. Responses must carry a Content-Length (both servers do).
 * @param {net.Socket} socket
 * @param {string[]} requests  full request texts
 */
export function postInSequence(socket, requests) {
  return new Promise((resolve, reject) => {
    /** @type {number[]} */
    const statuses = [];
    let buffer = Buffer.alloc(0);
    let expected = -1;
    let status = 0;
    const next = () => {
      if (statuses.length === requests.length) {
        socket.off('data', onData);
        socket.off('error', reject);
        return resolve(statuses);
      }
      socket.write(requests[statuses.length]);
    };
    const onData = (/** @type {Buffer} */ chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (expected < 0) {
          const end = buffer.indexOf(HEADER_END);
          if (end < 0) return;
          const head = buffer.subarray(0, end).toString('latin1');
          const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          if (!length)
            return reject(
              new Error(`response without Content-Length:\n${head}`),
            );
          status = Number(head.slice(9, 12));
          expected = Number(length[1]);
          buffer = buffer.subarray(end + HEADER_END.length);
        }
        if (buffer.length < expected) return;
        buffer = buffer.subarray(expected);
        expected = -1;
        statuses.push(status);
        next();
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    next();
  });
}
