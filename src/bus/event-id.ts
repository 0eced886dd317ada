/**
 * Event ids have the shape of Redis stream entry ids, `<ms>-<seq>`: they
 * order the events of a conversation, survive a restart when the bus is
 * persistent (Redis hands them out), and the in-memory bus issues ids of the
 * same shape so that a client never has to know which bus it talks to.
 */
export interface EventId {
  ms: number;
  seq: number;
}

const EVENT_ID = /^(\d{1,15})-(\d{1,15})$/;

export function parseEventId(raw: string): EventId | undefined {
  const match = EVENT_ID.exec(raw);
  if (!match) return undefined;
  return { ms: Number(match[1]), seq: Number(match[2]) };
}

export function formatEventId(id: EventId): string {
  return `${id.ms}-${id.seq}`;
}

export function compareEventIds(a: EventId, b: EventId): number {
  return a.ms === b.ms ? a.seq - b.seq : a.ms - b.ms;
}

/** Issues increasing ids from the clock, as Redis does for `XADD *`. */
export class EventIdClock {
  private last: EventId;

  /** The first id issued is greater than `<now>-0`, which can stand for "nothing yet". */
  constructor(private readonly now: () => number = Date.now) {
    this.last = { ms: now(), seq: 0 };
  }

  next(): EventId {
    const ms = this.now();
    this.last =
      ms > this.last.ms
        ? { ms, seq: 0 }
        : { ms: this.last.ms, seq: this.last.seq + 1 };
    return this.last;
  }

  get latest(): EventId {
    return this.last;
  }
}
