import type { Deployment } from '../catalogue/deployment.js';
import { DeploymentBalancer } from './deployment-balancer.js';

const deployment = (name: string, fields: Partial<Deployment> = {}) =>
  ({ name, priority: 0, weight: 1, ...fields }) as Deployment;
const names = (list: Deployment[]) => list.map((d) => d.name);

describe('DeploymentBalancer', () => {
  it('alternates between idle deployments of equal priority', () => {
    const balancer = new DeploymentBalancer();
    const pool = [deployment('a'), deployment('b')];
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) {
      const [first] = balancer.order(pool);
      picks.push(first.name);
      balancer.begin(first.name);
      balancer.end(first.name);
    }
    expect(picks).toEqual(['a', 'b', 'a', 'b']);
  });

  it('prefers the deployment with the fewest calls in flight', () => {
    const balancer = new DeploymentBalancer();
    balancer.begin('a');
    balancer.begin('a');
    balancer.begin('b');
    expect(names(balancer.order([deployment('a'), deployment('b')]))).toEqual([
      'b',
      'a',
    ]);
  });

  it('weighs the load: weight 3 takes three calls for one', () => {
    const balancer = new DeploymentBalancer();
    const pool = [deployment('a', { weight: 3 }), deployment('b')];
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 8; i++) {
      const [first] = balancer.order(pool);
      counts[first.name as 'a' | 'b']++;
      balancer.begin(first.name);
    }
    expect(counts).toEqual({ a: 6, b: 2 });
  });

  it('tries lower priority values first, whatever their load', () => {
    const balancer = new DeploymentBalancer();
    balancer.begin('main');
    balancer.begin('main');
    const order = balancer.order([
      deployment('spare', { priority: 1 }),
      deployment('main', { priority: 0 }),
    ]);
    expect(names(order)).toEqual(['main', 'spare']);
  });
});
