import type { Deployment } from '../catalogue/deployment.js';

/**
 * Orders the deployments of one model for a request: lower `priority` first;
 * among equal priorities, the fewest calls in flight per unit of `weight`,
 * then the fewest calls started per unit of weight (so that requests one
 * after another alternate in proportion to weight, rather than all going to
 * an idle first deployment). Counts are this instance's own.
 */
export class DeploymentBalancer {
  private readonly inFlight = new Map<string, number>();
  private readonly started = new Map<string, number>();

  order(deployments: readonly Deployment[]): Deployment[] {
    const load = (d: Deployment) => (this.inFlight.get(d.name) ?? 0) / d.weight;
    const share = (d: Deployment) => (this.started.get(d.name) ?? 0) / d.weight;
    return [...deployments].sort(
      (a, b) =>
        a.priority - b.priority || load(a) - load(b) || share(a) - share(b),
    );
  }

  inFlightOf(name: string): number {
    return this.inFlight.get(name) ?? 0;
  }

  begin(name: string): void {
    this.inFlight.set(name, this.inFlightOf(name) + 1);
    this.started.set(name, (this.started.get(name) ?? 0) + 1);
  }

  end(name: string): void {
    this.inFlight.set(name, Math.max(0, this.inFlightOf(name) - 1));
  }
}
