import { parentPort, workerData } from "node:worker_threads";
import { mintRange } from "./fixtures.mjs";

const { key, from, count, nowSec } = workerData;
parentPort.postMessage(mintRange(key, from, count, nowSec));
