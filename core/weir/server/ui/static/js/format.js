// Formatting of times, durations, numbers and the MLflow tag conventions the UI reads.

export const TAG = {
  runName: "mlflow.runName",
  parent: "mlflow.parentRunId",
  note: "mlflow.note.content",
  user: "mlflow.user",
  sourceName: "mlflow.source.name",
  sourceType: "mlflow.source.type",
  gitCommit: "mlflow.source.git.commit",
};

export function pad(n) {
  return String(n).padStart(2, "0");
}

/** "2024-05-01 13:04:05" in local time, or "" when missing. */
export function formatTime(ms) {
  const n = Number(ms);
  if (!ms || !Number.isFinite(n)) return "";
  const d = new Date(n);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatDuration(startMs, endMs) {
  const start = Number(startMs);
  const end = Number(endMs);
  if (!start || !end || end < start) return "";
  let seconds = (end - start) / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const minutes = Math.floor(seconds / 60);
  seconds = Math.round(seconds % 60);
  if (minutes < 60) return `${minutes}min ${seconds}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}min`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** Metric values: short but exact enough to compare. */
export function formatNumber(value) {
  if (value === null || value === undefined || value === "") return "";
  const n = Number(value);
  if (typeof value === "string" && !Number.isFinite(n)) return value;
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return n.toExponential(4);
  return String(Number(n.toPrecision(6)));
}

/** Compact axis labels. */
export function formatTick(value, span) {
  if (!Number.isFinite(value)) return "";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(1);
  const digits = span > 0 ? Math.max(0, Math.min(6, 1 - Math.floor(Math.log10(span / 5)))) : 2;
  return Number(value.toFixed(digits)).toString();
}

export function tagMap(tags) {
  const map = new Map();
  for (const tag of tags || []) map.set(tag.key, tag.value ?? "");
  return map;
}

export function runName(run) {
  const info = run.info || {};
  if (info.run_name) return info.run_name;
  const tag = (run.data?.tags || []).find((t) => t.key === TAG.runName);
  return tag ? tag.value : (info.run_id || "").slice(0, 8);
}

export function runHref(experimentId, runId) {
  return `#/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`;
}

export function modelHref(name, version) {
  const base = `#/models/${encodeURIComponent(name)}`;
  return version === undefined ? base : `${base}/versions/${encodeURIComponent(version)}`;
}

/** A key quoted for MLflow's search/order_by grammar: metrics.`my key`. */
export function quoteKey(entity, key) {
  return `${entity}.\`${String(key).replace(/`/g, "")}\``;
}

/** A string value quoted for a filter: 'it''s' is not MLflow syntax, so escape with a backslash. */
export function quoteValue(value) {
  return `'${String(value).replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

export const STATUS_CLASS = { FINISHED: "ok", RUNNING: "info", SCHEDULED: "info", FAILED: "bad", KILLED: "warn" };

/** A stable color for series index ``i``. */
export function color(i) {
  const palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
  return palette[i % palette.length];
}
