export interface CircuitBreakerSettings {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before letting one probe through (ms). */
  cooldownMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

interface Circuit {
  failures: number;
  openUntil: number;
  probing: boolean;
}

/**
 * One circuit per deployment, in this process: after `failureThreshold`
 * consecutive retryable failures the deployment gets no calls for
 * `cooldownMs`; then exactly one probe call is let through, whose success
 * closes the circuit and whose failure opens it for another cool-down.
 * Per instance on purpose: each instance learns an upstream's health from
 * its own calls, with no Redis round trip on the request path.
 */
export class CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly settings: CircuitBreakerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  state(name: string): CircuitState {
    const circuit = this.circuits.get(name);
    if (!circuit || circuit.failures < this.settings.failureThreshold) {
      return 'closed';
    }
    return this.now() < circuit.openUntil ? 'open' : 'half_open';
  }

  /** Whether a call may go to `name` now; a half-open circuit admits one probe at a time. */
  tryEnter(name: string): boolean {
    const state = this.state(name);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const circuit = this.circuits.get(name)!;
    if (circuit.probing) return false;
    circuit.probing = true;
    return true;
  }

  /** Whether `name` would accept a call now (readiness), without taking the probe. */
  usable(name: string): boolean {
    const state = this.state(name);
    return (
      state === 'closed' ||
      (state === 'half_open' && !this.circuits.get(name)!.probing)
    );
  }

  succeeded(name: string): void {
    this.circuits.delete(name);
  }

  failed(name: string): void {
    const circuit = this.circuits.get(name) ?? {
      failures: 0,
      openUntil: 0,
      probing: false,
    };
    circuit.failures++;
    circuit.probing = false;
    if (circuit.failures >= this.settings.failureThreshold) {
      circuit.openUntil = this.now() + this.settings.cooldownMs;
    }
    this.circuits.set(name, circuit);
  }

  /** A call that ended without telling anything about the upstream (cancelled, bad input). */
  released(name: string): void {
    const circuit = this.circuits.get(name);
    if (circuit) circuit.probing = false;
  }
}
