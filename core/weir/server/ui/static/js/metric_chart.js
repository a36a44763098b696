// A card holding one metric's history chart for one or more runs (downsampled by the server).
import { metricPoints } from "./api.js";
import { lineChart, legend, seriesFromMetrics } from "./chart.js";
import { errorBox, h } from "./dom.js";

export const MAX_POINTS = 1500;

/** runs: [{id, name, color}]; settings: {xMode, logY} (shared by the charts of a page). */
export function metricChart(key, runs, settings) {
  const body = h("div", { class: "chart-body" }, h("div", { class: "loading" }, "Loading…"));
  const card = h("div", { class: "chart-card", dataset: { metric: key } }, h("div", { class: "chart-title" }, key), body);
  const load = Promise.all(runs.map((run) => metricPoints(run.id, key, MAX_POINTS)));
  card.ready = load
    .then((histories) => {
      const render = () => {
        const series = runs.map((run, i) => seriesFromMetrics(run.name, run.color, histories[i], settings.xMode));
        const chart = lineChart({ series, xMode: settings.xMode, logY: settings.logY, height: settings.height || 220 });
        body.replaceChildren(...(runs.length > 1 ? [chart, legend(series)] : [chart]));
        const total = histories.reduce((sum, hist) => sum + hist.length, 0);
        if (total === 0) body.replaceChildren(h("div", { class: "muted" }, "No points logged."));
      };
      render();
      card.rerender = render;
    })
    .catch((error) => body.replaceChildren(errorBox(error)));
  return card;
}

/** The x-axis / log-scale controls that rerender ``cards()`` when changed. */
export function chartControls(settings, cards) {
  const rerender = () => cards().forEach((card) => card.rerender && card.rerender());
  const xSelect = h(
    "select",
    {
      "aria-label": "X axis",
      onchange: (event) => {
        settings.xMode = event.target.value;
        rerender();
      },
    },
    h("option", { value: "step", selected: settings.xMode === "step" }, "X axis: step"),
    h("option", { value: "relative", selected: settings.xMode === "relative" }, "X axis: relative time (s)"),
    h("option", { value: "time", selected: settings.xMode === "time" }, "X axis: wall time"),
  );
  const log = h("input", {
    type: "checkbox",
    checked: settings.logY,
    onchange: (event) => {
      settings.logY = event.target.checked;
      rerender();
    },
  });
  return h("div", { class: "toolbar" }, xSelect, h("label", { class: "check" }, log, "log scale (y)"));
}
