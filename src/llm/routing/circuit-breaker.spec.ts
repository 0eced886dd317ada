import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  let now = 0;
  const breaker = () =>
    new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000 }, () => now);

  beforeEach(() => (now = 0));

  it('stays closed below the threshold, and a success resets the count', () => {
    const b = breaker();
    b.failed('a');
    b.failed('a');
    b.succeeded('a');
    b.failed('a');
    b.failed('a');
    expect(b.state('a')).toBe('closed');
    expect(b.tryEnter('a')).toBe(true);
  });

  it('opens after N consecutive failures and refuses calls during the cool-down', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed('a');
    expect(b.state('a')).toBe('open');
    expect(b.tryEnter('a')).toBe(false);
    expect(b.usable('a')).toBe(false);
    expect(b.tryEnter('b')).toBe(true);
  });

  it('lets exactly one probe through after the cool-down; its success closes the circuit', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed('a');
    now = 1000;
    expect(b.state('a')).toBe('half_open');
    expect(b.usable('a')).toBe(true);
    expect(b.tryEnter('a')).toBe(true);
    expect(b.tryEnter('a')).toBe(false);
    b.succeeded('a');
    expect(b.state('a')).toBe('closed');
    expect(b.tryEnter('a')).toBe(true);
  });

  it('reopens for another cool-down when the probe fails', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed('a');
    now = 1000;
    expect(b.tryEnter('a')).toBe(true);
    b.failed('a');
    expect(b.state('a')).toBe('open');
    now = 1999;
    expect(b.tryEnter('a')).toBe(false);
    now = 2000;
    expect(b.tryEnter('a')).toBe(true);
  });

  it('frees the probe slot when the probe ends without a verdict', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed('a');
    now = 1000;
    expect(b.tryEnter('a')).toBe(true);
    b.released('a');
    expect(b.tryEnter('a')).toBe(true);
  });
});
