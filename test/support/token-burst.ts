import type { FakeErnie } from '../fakes/fake-ernie.js';
import type { AppProcess } from './app-process.js';
import { send } from './chat-helpers.js';

/**
 * Sends 20 first messages at once, spread over `apps`, and waits until the
 * fake ERNIE has answered them all: shared single flight means one token
 * request in all (the caller checks `fake.tokenRequests`). Resolves with the
 * ids of the 20 conversations.
 */
export async function burstOfFirstRequests(
  apps: AppProcess[],
  fake: FakeErnie,
): Promise<string[]> {
  const ids = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
  await Promise.all(
    ids.map((id, i) =>
      send(apps[i % apps.length], [{ role: 'user', content: id }], id),
    ),
  );
  await fake.waitFor(
    () =>
      fake.chatRequests.length === 20 &&
      fake.chatRequests.every((r) => r.settled),
    15_000,
    '20 chat requests answered',
  );
  return ids;
}
