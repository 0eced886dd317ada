import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from '../common/errors/app-error.js';

/** What Node's HTTP parser refuses before any route or filter sees the request. */
const PARSER_ERRORS: Record<string, { status: number; body: ErrorBody }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    body: {
      statusCode: 431,
      code: 'headers_too_large',
      message:
        'The request line and headers are larger than the server accepts (16 KB).',
      details: {
        errors: [
          {
            field: 'headers',
            rule: 'maxBytes',
            message: 'the URL and headers must not exceed 16 KB',
          },
        ],
      },
    },
  },
};

const MALFORMED: ErrorBody = {
  statusCode: 400,
  code: 'malformed_request',
  message: 'The request is not valid HTTP/1.1.',
};

/**
 * Answers the requests Node's HTTP parser rejects (a URL or header too big,
 * a broken request line) in the gateway's JSON error format instead of
 * Node's bare status line, so that every HTTP error a client can read looks
 * the same. What the socket says is never echoed.
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    // A request that timed out or was cut keeps Node's own answer.
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      answerAndClose(
        socket,
        'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
      );
      return;
    }
    const { status, body } = PARSER_ERRORS[error.code ?? ''] ?? {
      status: 400,
      body: MALFORMED,
    };
    const json = JSON.stringify(body);
    answerAndClose(
      socket,
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(json)}\r\n` +
        'Connection: close\r\n\r\n' +
        json,
    );
  });
}

/**
 * Writes the answer and closes the socket once it is handed to the kernel,
 * as Node's own handler does. `end()` alone only half-closes: a client that
 * never reads nor closes its side (a silent socket) would keep its slot and
 * descriptor for good (with `end()` alone, 20 such sockets hold
 * MAX_CONNECTIONS=20 for over 90 s).
 */
function answerAndClose(socket: Duplex, answer: string): void {
  socket.end(answer, () => socket.destroy());
}
