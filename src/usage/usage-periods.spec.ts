import { dayOf, daysBetween, periodOf } from './usage-periods.js';

describe('usage periods (UTC)', () => {
  const at = new Date('2026-12-31T23:59:59.500Z');

  it('names the day and the month, and when the next begins', () => {
    expect(periodOf('day', at)).toEqual({
      id: 'day:2026-12-31',
      startsAt: new Date('2026-12-31T00:00:00Z'),
      resetsAt: new Date('2027-01-01T00:00:00Z'),
    });
    expect(periodOf('month', at)).toEqual({
      id: 'month:2026-12',
      startsAt: new Date('2026-12-01T00:00:00Z'),
      resetsAt: new Date('2027-01-01T00:00:00Z'),
    });
  });

  it('lists the days of a range, both ends included', () => {
    expect(daysBetween('2026-02-27', '2026-03-01')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
    ]);
    expect(daysBetween('2026-03-02', '2026-03-01')).toEqual([]);
  });
});

describe('dayOf', () => {
  it('gives the UTC date of each instant, across midnight and back', () => {
    const at = (iso: string) => dayOf(new Date(iso));
    expect(at('2026-12-06T23:59:59.999Z')).toBe('2026-12-06');
    expect(at('2026-12-07T00:00:00.000Z')).toBe('2026-12-07');
    expect(at('2026-12-07T13:00:00.000Z')).toBe('2026-12-07');
    expect(at('2026-12-06T00:00:00.000Z')).toBe('2026-12-06');
    expect(at('1969-12-31T23:59:59.000Z')).toBe('1969-12-31');
    expect(at('2026-12-07T01:00:00+02:00')).toBe('2026-12-06');
  });

  it('refuses an invalid date as toISOString does', () => {
    expect(() => dayOf(new Date(Number.NaN))).toThrow(RangeError);
  });
});
