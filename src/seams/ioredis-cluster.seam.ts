import type { EventEmitter } from 'node:events';

/**
 * Where an ioredis `Cluster` with sharded subscribers reports that the
 * server unsubscribed a moved shard channel (`moved`): ioredis 6 emits it
 * only on the cluster's private `subscriberGroupEmitter`, not on the
 * cluster. `undefined` when the cluster has no sharded subscriber group.
 *
 * When it can go: once ioredis re-emits `moved` on the `Cluster` itself
 * (as it does `-node` and `-subscriber`); `ioredis-cluster.seam.spec.ts`
 * fails when the private field goes away.
 */
export function shardedSubscriberEvents(
  cluster: object,
): EventEmitter | undefined {
  return (cluster as { subscriberGroupEmitter?: EventEmitter })
    .subscriberGroupEmitter;
}
