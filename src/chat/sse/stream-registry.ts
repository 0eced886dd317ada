import type { ServerResponse } from 'node:http';
import { Injectable, Inject } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpErrors } from '../../common/errors/http-errors.js';
import type { AppConfig } from '../../config/app-config.service.js';

/** The response of a stream, as far as the registry needs it. */
export type StreamConnection = Pick<
  ServerResponse,
  'once' | 'writableFinished' | 'destroyed'
>;

/** A claimed stream slot; `release()` is idempotent. */
export interface StreamLease {
  release(): void;
}

/**
 * Counts the open SSE streams of this process, in all and per client, and
 * refuses a new one past the configured limits with a 429 naming the limit.
 */
@Injectable()
export class StreamRegistry {
  private readonly perClient = new Map<string, number>();
  private total = 0;
  private readonly maxStreams: number;
  private readonly maxPerClient: number;

  constructor(@Inject(ConfigService) config: AppConfig) {
    this.maxStreams = config.get('SSE_MAX_STREAMS', { infer: true });
    this.maxPerClient = config.get('SSE_MAX_STREAMS_PER_IP', { infer: true });
  }

  get openStreams(): number {
    return this.total;
  }

  /**
   * Claims a slot for `client`. With `connection`, the slot is held until the
   * response has been flushed or closed, not just until the stream ended: at
   * shutdown this tells when the final events have really left.
   */
  acquire(client: string, connection?: StreamConnection): StreamLease {
    if (this.total >= this.maxStreams) {
      throw HttpErrors.tooMany(
        'too_many_streams',
        `The server has reached its limit of ${this.maxStreams} open streams (SSE_MAX_STREAMS); try again later.`,
      );
    }
    const mine = this.perClient.get(client) ?? 0;
    if (mine >= this.maxPerClient) {
      throw HttpErrors.tooMany(
        'too_many_streams_per_client',
        `This client already has ${mine} open streams, the most allowed (SSE_MAX_STREAMS_PER_IP).`,
      );
    }
    this.perClient.set(client, mine + 1);
    this.total++;
    let released = false;
    const free = () => {
      this.total--;
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left > 0) this.perClient.set(client, left);
      else this.perClient.delete(client);
    };
    return {
      release: () => {
        if (released) return;
        released = true;
        if (
          !connection ||
          connection.writableFinished ||
          connection.destroyed
        ) {
          free();
          return;
        }
        let freed = false;
        const once = () => {
          if (freed) return;
          freed = true;
          free();
        };
        connection.once('finish', once);
        connection.once('close', once);
      },
    };
  }
}
