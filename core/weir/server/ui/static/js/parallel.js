// Parallel-coordinates plot of params and metrics (inline SVG; text via textContent).
import { h } from "./dom.js";
import { formatNumber, formatTick } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const DEFAULT_AXES = 10;

function s(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function axisModel(label, values) {
  const present = values.filter((v) => v !== undefined && v !== null && v !== "");
  const numbers = present.map(Number);
  if (present.length && numbers.every(Number.isFinite)) {
    let min = Math.min(...numbers);
    let max = Math.max(...numbers);
    if (min === max) {
      min -= 1;
      max += 1;
    }
    return { label, kind: "number", min, max, pos: (v) => (v === undefined || v === "" || !Number.isFinite(Number(v)) ? null : (Number(v) - min) / (max - min)) };
  }
  const categories = [...new Set(present.map(String))].sort();
  const pos = (v) => {
    if (v === undefined || v === null) return null;
    const i = categories.indexOf(String(v));
    return categories.length === 1 ? 0.5 : i / (categories.length - 1);
  };
  return { label, kind: "category", categories, pos };
}

/** series: [{name, color, run}] */
export function parallelCoordinates(series) {
  const columns = [];
  const values = (field, key) => series.map((x) => (x.run.data?.[field] || []).find((item) => item.key === key)?.value);
  const paramKeys = [...new Set(series.flatMap((x) => (x.run.data?.params || []).map((p) => p.key)))].sort();
  const metricKeys = [...new Set(series.flatMap((x) => (x.run.data?.metrics || []).map((m) => m.key)))].sort();
  for (const key of paramKeys) {
    const vals = values("params", key);
    columns.push({ id: `params:${key}`, label: key, values: vals, differs: new Set(vals.map(String)).size > 1 });
  }
  for (const key of metricKeys) columns.push({ id: `metrics:${key}`, label: key, values: values("metrics", key), differs: true });
  if (!columns.length) return h("p", { class: "muted" }, "No params or metrics to plot.");
  const chosen = new Set(
    [...columns.filter((c) => c.id.startsWith("params:") && c.differs), ...columns.filter((c) => c.id.startsWith("metrics:"))]
      .slice(0, DEFAULT_AXES)
      .map((c) => c.id),
  );
  if (chosen.size < 2) columns.slice(0, DEFAULT_AXES).forEach((c) => chosen.add(c.id));
  const plot = h("div", { class: "parallel" });
  const picker = h(
    "details",
    { class: "menu" },
    h("summary", null, "Axes"),
    h(
      "div",
      { class: "columns-panel" },
      columns.map((c) =>
        h(
          "label",
          { class: "check" },
          h("input", {
            type: "checkbox",
            checked: chosen.has(c.id),
            onchange: (e) => {
              e.target.checked ? chosen.add(c.id) : chosen.delete(c.id);
              draw();
            },
          }),
          `${c.id.startsWith("params:") ? "param" : "metric"}: ${c.label}`,
        ),
      ),
    ),
  );

  function draw() {
    const axes = columns.filter((c) => chosen.has(c.id)).map((c) => ({ ...axisModel(c.label, c.values), column: c }));
    if (axes.length < 2) {
      plot.replaceChildren(h("p", { class: "muted" }, "Choose at least two axes."));
      return;
    }
    const width = Math.max(480, axes.length * 110, plot.clientWidth || 0);
    const height = 320;
    const top = 36;
    const bottom = 24;
    const left = 60;
    const right = 70;
    const x = (i) => left + (i * (width - left - right)) / (axes.length - 1);
    const y = (p) => top + (1 - p) * (height - top - bottom);
    const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width, height, class: "parallel-svg", role: "img" });
    svg.appendChild(s("title", {}, "Parallel coordinates of the compared runs"));
    axes.forEach((axis, i) => {
      const g = s("g", { class: "axis" });
      g.appendChild(s("line", { x1: x(i), x2: x(i), y1: top, y2: height - bottom, stroke: "#6b7280" }));
      g.appendChild(s("text", { x: x(i), y: top - 18, "text-anchor": "middle", class: "axis-label" }, axis.label.length > 22 ? `${axis.label.slice(0, 21)}…` : axis.label));
      const ticks = axis.kind === "number" ? [0, 0.25, 0.5, 0.75, 1].map((p) => [p, formatTick(axis.min + p * (axis.max - axis.min), axis.max - axis.min)]) : axis.categories.map((c) => [axis.pos(c), c.length > 14 ? `${c.slice(0, 13)}…` : c]);
      for (const [p, label] of ticks) {
        g.appendChild(s("line", { x1: x(i) - 4, x2: x(i), y1: y(p), y2: y(p), stroke: "#6b7280" }));
        g.appendChild(s("text", { x: x(i) - 7, y: y(p) + 4, "text-anchor": "end", class: "tick" }, label));
      }
      svg.appendChild(g);
    });
    series.forEach((run, r) => {
      const points = [];
      axes.forEach((axis, i) => {
        const p = axis.pos(axis.column.values[r]);
        if (p !== null) points.push(`${x(i).toFixed(1)},${y(p).toFixed(1)}`);
      });
      const line = s("polyline", { points: points.join(" "), fill: "none", stroke: run.color, "stroke-width": 2, class: "pc-line" });
      line.appendChild(s("title", {}, `${run.name}: ${axes.map((a) => `${a.label}=${a.kind === "number" ? formatNumber(a.column.values[r]) : a.column.values[r] ?? "—"}`).join(", ")}`));
      svg.appendChild(line);
    });
    plot.replaceChildren(svg);
  }
  let lastWidth = -1;
  new ResizeObserver(() => {
    if (plot.clientWidth !== lastWidth) {
      lastWidth = plot.clientWidth;
      draw();
    }
  }).observe(plot);
  draw();
  return h("div", null, h("div", { class: "toolbar" }, picker), h("div", { class: "parallel-scroll" }, plot));
}
