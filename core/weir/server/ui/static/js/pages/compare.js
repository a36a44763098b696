// Compare runs: overlaid metric charts, a params/metrics diff table and parallel coordinates.
import { get } from "../api.js";
import { h, section } from "../dom.js";
import { color, formatNumber, runHref, runName } from "../format.js";
import { chartControls, metricChart } from "../metric_chart.js";
import { parallelCoordinates } from "../parallel.js";

const MAX_RUNS = 50;
const CHARTS_AT_ONCE = 12;

/** Run ids from ?runs=a,b or MLflow's ?runs=["a","b"]. */
export function runIdsFrom(query) {
  const raw = query.get("runs") || "";
  let ids;
  if (raw.trim().startsWith("[")) {
    try {
      ids = JSON.parse(raw);
    } catch (_) {
      ids = [];
    }
  } else ids = raw.split(",");
  return [...new Set(ids.map((id) => String(id).trim()).filter(Boolean))];
}

export async function comparePage(query) {
  const ids = runIdsFrom(query);
  if (ids.length < 2) {
    return h("div", { class: "page" }, h("h1", null, "Compare runs"), h("p", { class: "muted" }, "Select two or more runs in a runs table and press Compare."));
  }
  if (ids.length > MAX_RUNS) throw { code: "INVALID_PARAMETER_VALUE", message: `Compare at most ${MAX_RUNS} runs at a time (got ${ids.length}).` };
  const runs = (await Promise.all(ids.map((id) => get("mlflow/runs/get", { run_id: id })))).map((b) => b.run);
  const series = runs.map((run, i) => ({ id: run.info.run_id, name: runName(run), color: color(i), run }));
  document.title = `Compare ${runs.length} runs · weir`;
  const experimentId = query.get("experiment") || runs[0].info.experiment_id;
  return h(
    "div",
    { class: "page compare-page" },
    h(
      "div",
      { class: "breadcrumbs" },
      h("a", { href: `#/experiments/${encodeURIComponent(experimentId)}` }, "Runs"),
      " › Compare",
    ),
    h("div", { class: "page-header" }, h("h1", null, `Comparing ${runs.length} runs`)),
    h(
      "div",
      { class: "run-chips" },
      series.map((s) => h("a", { class: "chip", href: runHref(s.run.info.experiment_id, s.id) }, h("span", { class: "swatch", style: { background: s.color } }), s.name)),
    ),
    diffSection("Parameters", series, "params", (v) => v),
    diffSection("Metrics (latest values)", series, "metrics", formatNumber),
    section("Parallel coordinates", parallelCoordinates(series)),
    chartsSection(series),
  );
}

function diffSection(title, series, field, format) {
  const maps = series.map((s) => new Map((s.run.data?.[field] || []).map((item) => [item.key, item.value])));
  const keys = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort();
  if (!keys.length) return section(title, h("p", { class: "muted" }, `No ${field}.`));
  const differs = (key) => new Set(maps.map((m) => (m.has(key) ? String(m.get(key)) : "\u0000missing"))).size > 1;
  const onlyDiff = h("input", { type: "checkbox" });
  const body = h(
    "tbody",
    null,
    keys.map((key) => {
      const diff = differs(key);
      return h(
        "tr",
        { class: diff ? "diff" : "same", dataset: { key } },
        h("th", null, key),
        maps.map((m) => h("td", { class: field === "metrics" ? "num" : "" }, m.has(key) ? format(m.get(key)) : "—")),
      );
    }),
  );
  onlyDiff.addEventListener("change", () => body.classList.toggle("only-diff", onlyDiff.checked));
  const nDiff = keys.filter(differs).length;
  return section(
    title,
    h("div", { class: "toolbar" }, h("label", { class: "check" }, onlyDiff, `Show only differences (${nDiff} of ${keys.length})`)),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: `grid diff-table ${field}` },
        h("thead", null, h("tr", null, h("th", null, "Name"), series.map((s) => h("th", null, h("span", { class: "swatch", style: { background: s.color } }), s.name)))),
        body,
      ),
    ),
  );
}

function chartsSection(series) {
  const keys = [...new Set(series.flatMap((s) => (s.run.data?.metrics || []).map((m) => m.key)))].sort();
  if (!keys.length) return section("Metric charts", h("p", { class: "muted" }, "No metrics."));
  const settings = { xMode: "step", logY: false };
  const grid = h("div", { class: "chart-grid" });
  let shown = 0;
  const more = h("button", { onclick: () => add() });
  function add() {
    for (const key of keys.slice(shown, shown + CHARTS_AT_ONCE)) {
      const having = series.filter((s) => (s.run.data?.metrics || []).some((m) => m.key === key));
      grid.appendChild(metricChart(key, having, settings));
    }
    shown = Math.min(keys.length, shown + CHARTS_AT_ONCE);
    more.hidden = shown >= keys.length;
    more.textContent = "Show more charts";
  }
  add();
  return section("Metric charts", chartControls(settings, () => [...grid.children]), grid, more);
}
