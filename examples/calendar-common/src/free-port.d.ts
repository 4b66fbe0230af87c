/**
 * A TCP port that was free on `host` (default `127.0.0.1`) a moment ago, found by listening on
 * port 0 and closing again: for a service whose URL must be known before it starts.
 */
export declare function freePort(host?: string): Promise<number>;
