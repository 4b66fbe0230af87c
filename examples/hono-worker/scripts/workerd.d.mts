export declare function workerdBinary(): string;
export declare function bundleWorker(entry: string): Promise<string>;
export declare function serveWorker(options: {
  code: string;
  vars?: Record<string, string | undefined>;
  host?: string;
  port?: number;
  compatibilityFlags?: string[];
}): Promise<{ url: string; pid: number | undefined; close(): Promise<void> }>;
