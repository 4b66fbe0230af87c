import { afterAll, afterEach, beforeAll } from "vitest";
import { closeClient, connectClient, type TestRedisClient } from "./clients.js";
import { type RedisProcess, startRedis } from "./redis-server.js";

/** A test file's redis-server and the clients its tests connect. */
export interface RedisUnderTest {
  /** The server, started before the file's tests (stop, restart, freeze it to test failures). */
  readonly server: RedisProcess;
  /** A connected client, closed after the test that asked for it. */
  client(): Promise<TestRedisClient>;
}

/**
 * Starts a redis-server on an ephemeral port for the calling test file (`beforeAll`), closes the
 * clients each test connected (`afterEach`) and stops the server (`afterAll`).
 */
export function useRedis(): RedisUnderTest {
  let server: RedisProcess | undefined;
  const clients: TestRedisClient[] = [];
  beforeAll(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(closeClient));
  });
  afterAll(async () => {
    await server?.dispose();
  });
  return {
    get server() {
      if (server === undefined) throw new Error("useRedis(): the server starts in beforeAll");
      return server;
    },
    async client() {
      const connected = await connectClient(this.server.url);
      clients.push(connected);
      return connected;
    },
  };
}
