import type { FakeErnie } from '../fakes/fake-ernie.js';
import type { AppProcess } from './app-process.js';
import { send } from './chat-helpers.js';

/**
 * Sends 20 first messages at once, spread over `apps`, and waits until the
 * fake ERNIE has answered them all: shared single flight means one token
 * request in all (the caller checks `fake.tokenRequests`).
 */
export async function burstOfFirstRequests(
  apps: AppProcess[],
  fake: FakeErnie,
): Promise<void> {
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      send(
        apps[i % apps.length],
        [{ role: 'user', content: `burst-${i}` }],
        `burst-${i}`,
      ),
    ),
  );
  await fake.waitFor(
    () =>
      fake.chatRequests.length === 20 &&
      fake.chatRequests.every((r) => r.settled),
    15_000,
    '20 chat requests answered',
  );
}
