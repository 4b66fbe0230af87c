// The default VitePress theme plus the benchmark charts, usable in any page as <BenchCharts kind="…" />.

import type { Theme } from "vitepress";
import DefaultTheme from "vitepress/theme";
import BenchCharts from "./BenchCharts.vue";

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component("BenchCharts", BenchCharts);
  },
} satisfies Theme;
