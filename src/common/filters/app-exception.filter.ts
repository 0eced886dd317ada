import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { AppError, type ErrorBody } from '../errors/app-error.js';
import { HttpErrors, type FieldError } from '../errors/http-errors.js';

/** Codes of body-parser's errors (the `type` it sets), which never reach a controller. */
const BODY_PARSER_CODES: Record<string, string> = {
  'entity.parse.failed': 'invalid_json',
  'entity.too.large': 'payload_too_large',
  'encoding.unsupported': 'unsupported_encoding',
  'charset.unsupported': 'unsupported_charset',
  'request.aborted': 'request_aborted',
  'request.size.invalid': 'invalid_request_size',
};

/** A compressed body that does not decompress: zlib's own message is never sent. */
const INVALID_ENCODING: ErrorBody = {
  statusCode: 400,
  code: 'invalid_encoding',
  message: 'The body could not be decompressed as its Content-Encoding says.',
  details: {
    errors: [
      {
        field: 'body',
        rule: 'isEncoded',
        message: 'body must be valid data in its Content-Encoding',
      },
    ],
  },
};

const BODY_PARSER_MESSAGES: Record<string, string> = {
  invalid_json: 'The body is not valid JSON.',
  payload_too_large:
    'The body is larger than the server accepts (BODY_LIMIT_BYTES).',
};

/** What each body-parser error is about, so that clients find it in `details.errors` like any other. */
const BODY_PARSER_FIELDS: Record<string, FieldError> = {
  invalid_json: {
    field: 'body',
    rule: 'isJson',
    message: 'body must be a JSON object or array',
  },
  payload_too_large: {
    field: 'body',
    rule: 'maxBytes',
    message: 'body must not exceed BODY_LIMIT_BYTES bytes',
  },
  unsupported_encoding: {
    field: 'Content-Encoding',
    rule: 'isSupported',
    message: 'Content-Encoding must be identity, gzip, deflate or br',
  },
  unsupported_charset: {
    field: 'Content-Type',
    rule: 'isUtf8',
    message: 'the charset of Content-Type must be utf-8',
  },
};

/** Express could not percent-decode a path parameter (e.g. `%E0%A4%A`). */
const BAD_PATH_ENCODING: FieldError = {
  field: 'path',
  rule: 'isPercentEncoded',
  message: 'path must be valid percent-encoded UTF-8',
};

/**
 * Renders the error body of one family of routes in that family's own shape
 * (the OpenAI-compatible `/v1` routes answer `{"error":{…}}`).
 */
export interface ErrorRenderer {
  matches(request: Request): boolean;
  render(body: ErrorBody): unknown;
}

/**
 * Every HTTP error leaves as `{statusCode, code, message, details?}` (or in
 * the shape of its route family, see `ErrorRenderer`: chosen here rather than
 * by a route-scoped filter, because body-parser, middleware and unknown-route
 * errors never reach a route's filters). Known
 * errors keep their code and message; anything else is a 500 with a generic
 * message, logged here, so that no stack trace or internal detail reaches a
 * client. (Errors on an open stream become `error` events instead: filters
 * never see them.)
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  constructor(private readonly renderers: readonly ErrorRenderer[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const body = this.toBody(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    if (
      (body.statusCode === 429 || body.statusCode === 503) &&
      typeof body.details?.retryAfterSeconds === 'number'
    ) {
      response.setHeader('Retry-After', String(body.details.retryAfterSeconds));
    }
    // Refused before its body was read (no key, shedding, a body too
    // large): the connection is closed after the answer rather than the
    // rest of the body read and thrown away, which could take as long as
    // the client cares to send it.
    if (!request.complete) response.setHeader('Connection', 'close');
    const renderer = this.renderers.find((r) => r.matches(request));
    response
      .status(body.statusCode)
      .json(renderer ? renderer.render(body) : body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof AppError) return exception.toJSON();
    const parserError = bodyParserError(exception);
    if (parserError) return parserError;
    if (
      exception instanceof HttpException &&
      exception.cause instanceof URIError
    ) {
      // Not the raw message: it echoes the undecodable input.
      return HttpErrors.validation(BAD_PATH_ENCODING.message, [
        BAD_PATH_ENCODING,
      ]).toJSON();
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      const message =
        typeof raw === 'object' && raw !== null && 'message' in raw
          ? [raw.message].flat().join('; ')
          : exception.message;
      return {
        statusCode: status,
        code: codeOf(status),
        message: String(message),
      };
    }
    this.logger.error(exception);
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'internal_error',
      message: 'Something went wrong on the server.',
    };
  }
}

/** body-parser's errors, as thrown or as wrapped by Nest's Express adapter. */
function bodyParserError(exception: unknown): ErrorBody | undefined {
  const candidates = [
    exception,
    (exception as { cause?: unknown } | null)?.cause,
  ];
  for (const candidate of candidates) {
    const zlibCode = (candidate as { code?: unknown } | null)?.code;
    if (typeof zlibCode === 'string' && zlibCode.startsWith('Z_')) {
      return INVALID_ENCODING;
    }
    const type = (candidate as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !(type in BODY_PARSER_CODES)) continue;
    const code = BODY_PARSER_CODES[type];
    const status = Number((candidate as { status?: unknown }).status) || 400;
    const field = BODY_PARSER_FIELDS[code];
    return {
      statusCode: status,
      code,
      message:
        BODY_PARSER_MESSAGES[code] ?? STATUS_CODES[status] ?? 'Bad request',
      ...(field ? { details: { errors: [field] } } : {}),
    };
  }
  return undefined;
}

function codeOf(status: number): string {
  return (STATUS_CODES[status] ?? 'error')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
}
