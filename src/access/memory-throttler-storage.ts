import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<
  ReturnType<ThrottlerStorage['increment']>
>;

/** The hits of one key and throttler, oldest expiry first, from `head` on. */
interface Hits {
  expiries: number[];
  head: number;
}

interface KeyRecord {
  expiresAt: number;
  blockExpiresAt: number;
  isBlocked: boolean;
  hits: Map<string, Hits>;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * `@nestjs/throttler`'s in-memory counting (`ThrottlerStorageService`), with
 * the same answers, at a constant cost per request. The library keeps one
 * expiry per hit and copies the list without the expired ones on every
 * request: with a high RATE_LIMIT_MAX that is a copy of every request of the
 * window, per request (106 KB per POST, a fifth of all the memory a POST
 * allocated in the bench's profile, bench/analysis.md). Hits expire in the
 * order they came (a throttler's ttl is fixed), so here they are dropped from
 * the front of the list instead.
 */
export class MemoryThrottlerStorage
  implements ThrottlerStorage, OnApplicationShutdown
{
  private readonly records = new Map<string, KeyRecord>();
  // Started here rather than on the first request, whose async context (its
  // logger) the timer would otherwise keep for the life of the process.
  private readonly sweep = setInterval(
    () => this.evictIdle(),
    SWEEP_INTERVAL_MS,
  ).unref();

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    let record = this.records.get(key);
    if (!record) {
      record = {
        expiresAt: now + ttl,
        blockExpiresAt: 0,
        isBlocked: false,
        hits: new Map(),
      };
      this.records.set(key, record);
    }
    let hits = record.hits.get(throttlerName);
    if (!hits)
      record.hits.set(throttlerName, (hits = { expiries: [], head: 0 }));
    prune(hits, now);
    let timeToExpire = secondsUntil(record.expiresAt, now);
    if (timeToExpire <= 0) {
      record.expiresAt = now + ttl;
      timeToExpire = secondsUntil(record.expiresAt, now);
    }
    if (blockDuration <= 0) {
      // Refused hits are not counted; a slot frees when the oldest expires.
      const isBlocked = count(hits) >= limit;
      if (!isBlocked) add(hits, now + ttl);
      return Promise.resolve({
        totalHits: count(hits) + (isBlocked ? 1 : 0),
        timeToExpire,
        isBlocked,
        timeToBlockExpire: isBlocked
          ? count(hits) > 0
            ? secondsUntil(hits.expiries[hits.head], now)
            : timeToExpire
          : 0,
      });
    }
    if (!record.isBlocked) add(hits, now + ttl);
    if (count(hits) > limit && !record.isBlocked) {
      record.isBlocked = true;
      record.blockExpiresAt = now + blockDuration;
    }
    const timeToBlockExpire = secondsUntil(record.blockExpiresAt, now);
    if (timeToBlockExpire <= 0 && record.isBlocked) {
      record.isBlocked = false;
      hits.expiries = [];
      hits.head = 0;
      add(hits, now + ttl);
    }
    return Promise.resolve({
      totalHits: count(hits),
      timeToExpire,
      isBlocked: record.isBlocked,
      timeToBlockExpire,
    });
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  private evictIdle(now = Date.now()): void {
    for (const [key, record] of this.records) {
      if (record.isBlocked && record.blockExpiresAt > now) continue;
      if (record.expiresAt > now) continue;
      const live = [...record.hits.values()].some((hits) => {
        prune(hits, now);
        return count(hits) > 0;
      });
      if (!live) this.records.delete(key);
    }
  }
}

const secondsUntil = (at: number, now: number) => Math.ceil((at - now) / 1000);

const count = (hits: Hits) => hits.expiries.length - hits.head;

function prune(hits: Hits, now: number): void {
  const { expiries } = hits;
  while (hits.head < expiries.length && expiries[hits.head] <= now) hits.head++;
  // Drop the expired prefix once it is most of the list: amortised O(1).
  if (hits.head > 32 && hits.head * 2 > expiries.length) {
    hits.expiries = expiries.slice(hits.head);
    hits.head = 0;
  }
}

function add(hits: Hits, expiresAt: number): void {
  const { expiries } = hits;
  // A shorter ttl than before for the same key (a route's own limit) would
  // expire earlier than hits already there: kept in order all the same.
  let at = expiries.length;
  while (at > hits.head && expiries[at - 1] > expiresAt) at--;
  if (at === expiries.length) expiries.push(expiresAt);
  else expiries.splice(at, 0, expiresAt);
}
