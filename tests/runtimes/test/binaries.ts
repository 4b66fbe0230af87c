import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const arch = (names: Record<string, string>) => names[process.arch] ?? process.arch;

/** The platform binary an npm package ships as an optional dependency (its postinstall is not needed). */
function binaryOf(main: string, platformPackage: string, file: string): string {
  const pkg = createRequire(require.resolve(`${main}/package.json`)).resolve(
    `${platformPackage}/package.json`,
  );
  return join(dirname(pkg), file);
}

/** Bun from the npm `bun` package. */
export const bunBinary = () =>
  binaryOf("bun", `@oven/bun-${process.platform}-${arch({ x64: "x64", arm64: "aarch64" })}`, "bin/bun");

/** Deno from the npm `deno` package. */
export const denoBinary = () =>
  binaryOf(
    "deno",
    process.platform === "linux"
      ? `@deno/linux-${process.arch}-glibc`
      : `@deno/${process.platform}-${process.arch}`,
    "deno",
  );
