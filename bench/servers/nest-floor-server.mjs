// The floor of the mandated framework: NestJS with the app's Express adapter
// and the baseline's routes, events and replies, written the cheapest way an
// `@Sse()` route allows and with nothing of the app's own (no middleware,
// validation, guards, bus, replay, limits or logging). Each event is built
// once, as a MessageEvent with its data serialised, and the same object is
// emitted to every subscriber through an RxJS Subject per conversation; from
// there Nest's own pipeline frames and writes it for each subscriber. What the
// app costs beyond this server is the app's; what this server costs beyond
// the baseline is the framework's.
//
//   PORT=0 node bench/servers/nest-floor-server.mjs      (mock replies; MOCK_DELAY_MS as in the app)
//   UPSTREAM_URL=http://127.0.0.1:9/v1 node …             (OpenAI-compatible upstream)
//
// Plain JavaScript, so that it runs without a build: the decorators are
// applied by calling them, which is what TypeScript's decorators compile to.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  HttpCode,
  Inject,
  Injectable,
  Module,
  Post,
  Query,
  Sse,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Observable, Subject } from 'rxjs';
import { EventIds, startReply } from '../lib/reference-replies.mjs';

const RETRY_MS = 2_000;
const HEARTBEAT_MS = 15_000;
const BODY_LIMIT = 1024 * 1024;
/** As the app's SSE_MAX_PENDING_CHARS in the bench: a fan-out burst must not drop subscribers. */
const MAX_PENDING_CHARS = 64 * 1024 * 1024;
const replySource = {
  upstreamUrl: process.env.UPSTREAM_URL,
  /** Pause before each delta of a mock reply, as the app's MOCK_DELAY_MS. */
  mockDelayMs: Number(process.env.MOCK_DELAY_MS ?? 0),
};
/** A comment-only message, which Nest writes as `: ping`. */
const PING = { comment: 'ping' };

/** The conversations' Subjects, and the shared heartbeat. */
class Channels {
  /** @type {Map<string, Subject<object>>} */
  #subjects = new Map();
  #ids = new EventIds();

  constructor() {
    setInterval(() => {
      for (const subject of this.#subjects.values()) subject.next(PING);
    }, HEARTBEAT_MS).unref();
  }

  /** @param {string} conversationId @param {string | undefined} type @param {string} data */
  publish(conversationId, type, data) {
    const id = this.#ids.next();
    this.#subjects
      .get(conversationId)
      ?.next(type ? { id, type, data } : { id, data });
  }

  /**
   * One subscriber's stream: its `ready` event, then the conversation's
   * events. The subscriber Nest hands in is subscribed to the Subject as it
   * is, without an operator between them.
   * @param {string} conversationId
   */
  subscribe(conversationId) {
    return new Observable((subscriber) => {
      subscriber.next({
        id: this.#ids.last,
        type: 'ready',
        retry: RETRY_MS,
        data: JSON.stringify({ conversationId }),
      });
      let subject = this.#subjects.get(conversationId);
      if (!subject)
        this.#subjects.set(conversationId, (subject = new Subject()));
      subject.subscribe(subscriber);
      // Runs after the Subject has let go of this subscriber.
      return () => {
        if (!subject.observed && this.#subjects.get(conversationId) === subject)
          this.#subjects.delete(conversationId);
      };
    });
  }
}
Injectable()(Channels);

class FloorController {
  /** @param {Channels} channels */
  constructor(channels) {
    this.channels = channels;
  }

  /** @param {{ conversationId?: string, messages: {role: string, content: string}[] }} body */
  send(body) {
    const conversationId = body.conversationId ?? 'default';
    const messageId = randomUUID();
    startReply(replySource, messageId, body.messages, (type, data) =>
      this.channels.publish(conversationId, type, data),
    );
    return { conversationId, messageId };
  }

  /** @param {string | undefined} conversationId */
  events(conversationId) {
    return this.channels.subscribe(conversationId ?? 'default');
  }
}
{
  const proto = FloorController.prototype;
  const method = (name) => Object.getOwnPropertyDescriptor(proto, name);
  Post('send')(proto, 'send', method('send'));
  HttpCode(202)(proto, 'send', method('send'));
  Body()(proto, 'send', 0);
  Sse('events', { maxPendingDataLength: MAX_PENDING_CHARS })(
    proto,
    'events',
    method('events'),
  );
  Query('conversationId')(proto, 'events', 0);
  Inject(Channels)(FloorController, undefined, 0);
  Controller('server')(FloorController);
}

class FloorModule {}
Module({ controllers: [FloorController], providers: [Channels] })(FloorModule);

// Like the app: Express, and its JSON body parser only.
const app = await NestFactory.create(FloorModule, new ExpressAdapter(), {
  logger: false,
  bodyParser: false,
});
app.useBodyParser('json', { limit: BODY_LIMIT });
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
console.log(
  `Listening on http://127.0.0.1:${app.getHttpServer().address().port}`,
);
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
