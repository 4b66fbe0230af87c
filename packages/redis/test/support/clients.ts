import { createClient } from "redis";

/** What the tests need of a client: commands for scopegate, and a way to drop it. */
export interface TestRedisClient {
  sendCommand(args: string[]): Promise<unknown>;
  destroy(): void;
}

/**
 * A node-redis client as an application would configure one for scopegate: reconnects quickly,
 * queues nothing while disconnected (scopegate bounds every command anyway), errors listened to.
 */
export async function connectClient(url: string): Promise<TestRedisClient> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1_000, reconnectStrategy: () => 50 },
  });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

export async function closeClient(client: TestRedisClient): Promise<void> {
  client.destroy();
}
