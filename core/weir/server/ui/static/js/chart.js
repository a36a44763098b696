// Line charts on <canvas>: several series, nice ticks, NaN gaps, hover read-out, HiDPI aware.
import { h } from "./dom.js";
import { formatNumber, formatTick, formatTime } from "./format.js";

const MARGIN = { left: 58, right: 14, top: 12, bottom: 30 };

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const unit = raw / power;
  return (unit >= 5 ? 10 : unit >= 2 ? 5 : unit >= 1 ? 2 : 1) * power;
}

function ticks(min, max, count) {
  if (!(max > min)) return [min];
  const step = niceStep(max - min, count);
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function extent(series, field) {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    const values = s[field];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  if (min === Infinity) return [0, 1];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.05;
    return [min - pad, max + pad];
  }
  return [min, max];
}

/** Index of the point whose x is closest to ``x`` (xs sorted ascending). */
function nearest(xs, x) {
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1] - x) <= Math.abs(xs[lo] - x)) return lo - 1;
  return lo;
}

/** Series from MLflow Metric objects: x is step, time (ms) or seconds since the first point. */
export function seriesFromMetrics(name, color, metrics, xMode) {
  const n = metrics.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const t0 = n ? Number(metrics[0].timestamp) : 0;
  for (let i = 0; i < n; i++) {
    const m = metrics[i];
    xs[i] = xMode === "time" ? Number(m.timestamp) : xMode === "relative" ? (Number(m.timestamp) - t0) / 1000 : Number(m.step || 0);
    const v = m.value;
    ys[i] = v === null || v === undefined ? NaN : typeof v === "string" ? Number(v) : v;
  }
  if (xMode !== "step") {
    const order = Array.from(xs.keys()).sort((a, b) => xs[a] - xs[b]);
    return { name, color, xs: Float64Array.from(order, (i) => xs[i]), ys: Float64Array.from(order, (i) => ys[i]) };
  }
  return { name, color, xs, ys };
}

/**
 * A chart element. ``options``: series [{name, color, xs, ys}], xMode ("step" | "time" | "relative"),
 * logY, height. The element redraws itself when resized.
 */
export function lineChart(options) {
  const height = options.height || 220;
  const canvas = h("canvas", { class: "chart-canvas", height });
  const overlay = h("canvas", { class: "chart-overlay", height });
  const readout = h("div", { class: "chart-readout" });
  const wrap = h("div", { class: "chart", style: { height: `${height}px` } }, canvas, overlay, readout);
  const state = { width: 0, view: null };

  function draw() {
    const width = wrap.clientWidth;
    if (!width) return;
    const ratio = window.devicePixelRatio || 1;
    for (const c of [canvas, overlay]) {
      c.width = Math.round(width * ratio);
      c.height = Math.round(height * ratio);
      c.style.width = `${width}px`;
      c.style.height = `${height}px`;
    }
    state.width = width;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const series = options.series.map((s) => (options.logY ? { ...s, ys: s.ys.map((v) => (v > 0 ? Math.log10(v) : NaN)) } : s));
    const [x0, x1raw] = extent(series, "xs");
    const x1 = x1raw > x0 ? x1raw : x0 + 1;
    const [y0, y1] = extent(series, "ys");
    const plotW = width - MARGIN.left - MARGIN.right;
    const plotH = height - MARGIN.top - MARGIN.bottom;
    const sx = (x) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
    const sy = (y) => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH;
    state.view = { x0, x1, y0, y1, sx, sy, plotW, plotH, series, ratio };

    ctx.font = "11px sans-serif";
    ctx.strokeStyle = "#e5e7eb";
    ctx.fillStyle = "#6b7280";
    ctx.lineWidth = 1;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const t of ticks(y0, y1, Math.max(2, Math.floor(plotH / 40)))) {
      const y = Math.round(sy(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, y);
      ctx.lineTo(MARGIN.left + plotW, y);
      ctx.stroke();
      ctx.fillText(options.logY ? formatTick(Math.pow(10, t), Math.pow(10, t)) : formatTick(t, y1 - y0), MARGIN.left - 6, y);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const xTicks = ticks(x0, x1, Math.max(2, Math.floor(plotW / 90)));
    for (const t of xTicks) {
      const x = Math.round(sx(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, MARGIN.top);
      ctx.lineTo(x, MARGIN.top + plotH);
      ctx.stroke();
      const label = options.xMode === "time" ? formatTime(t).slice(11) : formatTick(t, x1 - x0);
      ctx.fillText(label, x, MARGIN.top + plotH + 6);
    }
    ctx.strokeStyle = "#9ca3af";
    ctx.strokeRect(MARGIN.left + 0.5, MARGIN.top + 0.5, plotW, plotH);

    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, plotW, plotH);
    ctx.clip();
    ctx.lineWidth = 1.5;
    ctx.lineJoin = "round";
    for (const s of series) {
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      ctx.beginPath();
      let drawing = false;
      let points = 0;
      for (let i = 0; i < s.xs.length; i++) {
        const y = s.ys[i];
        if (!Number.isFinite(y)) {
          drawing = false;
          continue;
        }
        const px = sx(s.xs[i]);
        const py = sy(y);
        if (drawing) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        drawing = true;
        points++;
      }
      ctx.stroke();
      if (points === 1 || s.xs.length <= 30) {
        for (let i = 0; i < s.xs.length; i++) {
          if (!Number.isFinite(s.ys[i])) continue;
          ctx.beginPath();
          ctx.arc(sx(s.xs[i]), sy(s.ys[i]), 2.5, 0, Math.PI * 2);
          ctx.fill();
        }
      }
    }
    ctx.restore();
    wrap.dataset.drawn = String(series.reduce((sum, s) => sum + s.xs.length, 0));
  }

  function hover(event) {
    const view = state.view;
    if (!view) return;
    const rect = overlay.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const ctx = overlay.getContext("2d");
    ctx.setTransform(view.ratio, 0, 0, view.ratio, 0, 0);
    ctx.clearRect(0, 0, state.width, height);
    if (px < MARGIN.left || px > MARGIN.left + view.plotW) {
      readout.replaceChildren();
      readout.hidden = true;
      return;
    }
    const x = view.x0 + ((px - MARGIN.left) / view.plotW) * (view.x1 - view.x0);
    ctx.strokeStyle = "#9ca3af";
    ctx.beginPath();
    ctx.moveTo(Math.round(px) + 0.5, MARGIN.top);
    ctx.lineTo(Math.round(px) + 0.5, MARGIN.top + view.plotH);
    ctx.stroke();
    const rows = [];
    options.series.forEach((s, index) => {
      const i = nearest(s.xs, x);
      if (i < 0) return;
      const y = view.series[index].ys[i];
      if (Number.isFinite(y)) {
        ctx.fillStyle = s.color;
        ctx.beginPath();
        ctx.arc(view.sx(s.xs[i]), view.sy(y), 3.5, 0, Math.PI * 2);
        ctx.fill();
      }
      const xLabel = options.xMode === "time" ? formatTime(s.xs[i]) : formatNumber(s.xs[i]);
      rows.push(h("div", null, h("span", { class: "swatch", style: { background: s.color } }), `${s.name}: ${formatNumber(s.ys[i])} @ ${xLabel}`));
    });
    readout.replaceChildren(...rows);
    readout.hidden = rows.length === 0;
    readout.style.left = px > state.width / 2 ? "auto" : `${px + 12}px`;
    readout.style.right = px > state.width / 2 ? `${state.width - px + 12}px` : "auto";
  }

  overlay.addEventListener("mousemove", hover);
  overlay.addEventListener("mouseleave", () => {
    overlay.getContext("2d").clearRect(0, 0, overlay.width, overlay.height);
    readout.hidden = true;
  });
  readout.hidden = true;
  const observer = new ResizeObserver(() => {
    if (wrap.clientWidth !== state.width) draw();
  });
  observer.observe(wrap);
  wrap.redraw = draw;
  return wrap;
}

/** A legend line for series. */
export function legend(series) {
  return h(
    "div",
    { class: "legend" },
    series.map((s) => h("span", { class: "legend-item" }, h("span", { class: "swatch", style: { background: s.color } }), s.name)),
  );
}
