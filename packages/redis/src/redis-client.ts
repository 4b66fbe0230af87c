/**
 * The one thing scopegate asks of a Redis client: send a command, resolve its reply. A node-redis
 * client (`createClient()` from `redis` 5 or 6) is one as it is; for ioredis pass
 * `{ sendCommand: (args) => client.call(args[0], ...args.slice(1)) }`. Valkey answers the same.
 */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Redis did not answer in time, refused the connection, or answered with an error. */
export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

/**
 * Sends one command and waits at most `timeoutMs` for its reply. Never waits longer, never throws
 * anything but `RedisUnavailableError` (the client's own error is its `cause`).
 */
export async function sendWithin(
  client: RedisCommandClient,
  args: string[],
  timeoutMs: number,
): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RedisUnavailableError(`Redis did not answer ${args[0]} within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(() => client.sendCommand(args))
        .catch((cause: unknown) => {
          throw new RedisUnavailableError(`Redis refused ${args[0]}`, { cause });
        }),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
