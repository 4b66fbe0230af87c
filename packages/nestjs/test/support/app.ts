import type { AddressInfo } from "node:net";
import type { INestApplication, ModuleMetadata } from "@nestjs/common";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import { Test, type TestingModuleBuilder } from "@nestjs/testing";

export type Platform = "express" | "fastify";
export const PLATFORMS: readonly Platform[] = ["express", "fastify"];

export interface RunningApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * Compiles a testing module, creates the application on the platform, and listens on 127.0.0.1 with
 * an ephemeral port. `customize` may override providers on the builder before compiling.
 */
export async function startApp(
  platform: Platform,
  metadata: ModuleMetadata,
  customize: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
  configure: (app: INestApplication) => void = () => {},
): Promise<RunningApp> {
  const moduleRef = await customize(Test.createTestingModule(metadata)).compile();
  const app =
    platform === "fastify"
      ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
      : moduleRef.createNestApplication({ logger: false });
  configure(app);
  await app.listen(0, "127.0.0.1");
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
