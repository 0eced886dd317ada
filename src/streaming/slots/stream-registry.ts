import { Injectable, Inject, Optional } from '@nestjs/common';
import { HttpErrors } from '../../common/errors/http-errors.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import {
  SlotLease,
  type SlotCounts,
  type StreamConnection,
  type StreamLease,
} from './slot-lease.js';
import { GlobalStreamCounts } from './stream-counts/global-stream-counts.js';
import {
  STREAM_REGISTRY_SETTINGS,
  type StreamRegistrySettings,
} from './stream-registry.settings.js';

export type { StreamConnection, StreamLease } from './slot-lease.js';

/**
 * Who opens a stream: an API key (by its id, when keys are configured) or,
 * when the API is open, an IP address. Each kind has its own limit.
 */
export interface StreamClient {
  kind: 'key' | 'ip';
  id: string;
}

/**
 * Counts the open streams of this process, in all and per client, and refuses
 * a new one past the configured limits with a 429 naming the limit:
 * SSE_MAX_STREAMS in all, MAX_STREAMS_PER_KEY per API key,
 * SSE_MAX_STREAMS_PER_IP per address when the API is open. The per-client
 * limits also hold across instances (`claimShared`, EVENT_BUS=redis);
 * SSE_MAX_STREAMS protects this process and stays its own.
 */
@Injectable()
export class StreamRegistry {
  private readonly perClient = new Map<string, number>();
  private total = 0;
  private readonly maxStreams: number;
  private readonly maxPerIp: number;
  private readonly maxPerKey: number;

  constructor(
    @Inject(STREAM_REGISTRY_SETTINGS) settings: StreamRegistrySettings,
    @Optional() private readonly metrics?: MetricsService,
    @Optional() private readonly shared?: GlobalStreamCounts,
  ) {
    this.maxStreams = settings.maxStreams;
    this.maxPerIp = settings.maxPerIp;
    this.maxPerKey = settings.maxPerKey;
    metrics?.trackOpenStreams(() => this.total);
  }

  get openStreams(): number {
    return this.total;
  }

  /**
   * Claims a slot for `client`. With `connection`, the slot is held until the
   * response has been flushed or closed, not just until the stream ended: at
   * shutdown this tells when the final events have really left.
   */
  acquire(client: StreamClient, connection?: StreamConnection): StreamLease {
    if (this.total >= this.maxStreams) {
      throw this.rejected(
        'too_many_streams',
        `The server has reached its limit of ${this.maxStreams} open streams (SSE_MAX_STREAMS); try again later.`,
      );
    }
    const { slot, limit, setting } = this.limitOf(client);
    const mine = this.perClient.get(slot) ?? 0;
    if (mine >= limit) {
      throw this.rejected(
        'too_many_streams_per_client',
        `This ${client.kind === 'key' ? 'API key' : 'client'} already has ${mine} open streams, the most allowed (${setting}).`,
      );
    }
    this.perClient.set(slot, mine + 1);
    this.total++;
    return new SlotLease(this.slots, slot, connection);
  }

  /**
   * Counts a stream of `client` across instances until `connection` closes,
   * refusing it (429) when the client has its limit open on all instances
   * together. Called before the stream starts, while an error can still be
   * the response; `acquire()` then counts it in this process.
   */
  async claimShared(
    client: StreamClient,
    connection: Pick<StreamConnection, 'once'>,
  ): Promise<void> {
    if (!this.shared) return;
    const { slot, limit, setting } = this.limitOf(client);
    const open = await this.shared.take(slot, limit);
    if (open !== undefined) {
      throw this.rejected(
        'too_many_streams_per_client',
        `This ${client.kind === 'key' ? 'API key' : 'client'} already has ${open} open streams across all instances, the most allowed (${setting}).`,
      );
    }
    connection.once('close', () => this.shared?.give(slot));
  }

  /** Frees a slot, for `SlotLease`. */
  private readonly slots: SlotCounts = {
    free: (slot) => {
      this.total--;
      const left = (this.perClient.get(slot) ?? 1) - 1;
      if (left > 0) this.perClient.set(slot, left);
      else this.perClient.delete(slot);
    },
  };

  private limitOf(client: StreamClient) {
    const [limit, setting] =
      client.kind === 'key'
        ? [this.maxPerKey, 'MAX_STREAMS_PER_KEY']
        : [this.maxPerIp, 'SSE_MAX_STREAMS_PER_IP'];
    return { slot: `${client.kind}:${client.id}`, limit, setting };
  }

  private rejected(code: string, message: string) {
    this.metrics?.streamRejected(code);
    return HttpErrors.tooMany(code, message);
  }
}
