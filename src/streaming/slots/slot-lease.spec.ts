import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SlotLease } from './slot-lease.js';

/** A response that has not finished yet, whose end the test triggers. */
class OpenResponse extends EventEmitter {
  writableFinished = false;
  destroyed = false;
}

function counts() {
  const freed: string[] = [];
  return { freed, counts: { free: (slot: string) => void freed.push(slot) } };
}

describe('SlotLease', () => {
  it('frees its slot once, however often it is released', () => {
    const { freed, counts: slots } = counts();
    const lease = new SlotLease(slots, 'ip:127.0.0.1');
    lease.release();
    lease.release();
    expect(freed).toEqual(['ip:127.0.0.1']);
  });

  it('holds the slot until the response has finished or closed, then frees it once', () => {
    const { freed, counts: slots } = counts();
    const response = new OpenResponse();
    const lease = new SlotLease(slots, 'key:k1', response as never);
    lease.release();
    expect(freed).toEqual([]);
    response.emit('finish');
    response.emit('close');
    expect(freed).toEqual(['key:k1']);
  });

  it('frees at once when the response is already gone', () => {
    const { freed, counts: slots } = counts();
    const response = new OpenResponse();
    response.destroyed = true;
    new SlotLease(slots, 'key:k2', response as never).release();
    expect(freed).toEqual(['key:k2']);
  });
});
