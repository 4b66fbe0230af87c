// The part of a run the documentation site draws (docs/.vitepress/theme/BenchCharts.vue):
// bench/results/summary.json, committed, rewritten by every full `pnpm bench`.
import { LIBRARIES } from "./libraries.mjs";

const round2 = (value) => (value === undefined || value === null ? null : Math.round(value * 100) / 100);

/**
 * `{ host, micro, http }` from a run's raw results: per workload, each verifier's ratio to the
 * floor per algorithm (null where the library cannot verify that algorithm); per HTTP scenario,
 * req/s and server CPU per request.
 */
export function summarize(raw, algorithms) {
  const summary = { host: raw.host };
  if (raw.micro) {
    const verifiers = LIBRARIES.filter(({ id }) => id !== "floor" && raw.micro[id] !== undefined);
    const ratios = (workload) =>
      verifiers.map(({ id, label }) => ({
        id,
        label,
        ratios: Object.fromEntries(
          algorithms.map((alg) => [alg, round2(raw.micro[id][alg]?.[`${workload}Ratio`])]),
        ),
      }));
    summary.micro = {
      algorithms,
      floorOpsPerSec: Object.fromEntries(
        algorithms.map((alg) => [alg, Math.round(raw.micro.floor[alg].distinct)]),
      ),
      distinct: ratios("distinct"),
      repeated: ratios("repeated"),
    };
  }
  if (raw.http) {
    summary.http = raw.http.map(({ framework, guard, workload, rps, cpuPerRequestUs }) => ({
      framework,
      guard,
      workload: guard === "bare" ? null : workload,
      rps: Math.round(rps),
      cpuPerRequestUs: Number.isNaN(cpuPerRequestUs) ? null : Math.round(cpuPerRequestUs),
    }));
  }
  return summary;
}
