// @ts-check
import { createServer } from "node:net";

/**
 * A TCP port that was free on `host` a moment ago, found by listening on port 0 and closing again:
 * for a service whose URL must be known before it starts (`PUBLIC_URL`, an issuer's metadata).
 * @param {string} [host] Default: `127.0.0.1`.
 * @returns {Promise<number>}
 */
export function freePort(host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
