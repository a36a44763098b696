// The run page: overview, notes, parameters, metrics with history charts, tags and artifacts.
import { get, post } from "../api.js";
import { artifactBrowser } from "../artifacts.js";
import { badge, errorBox, h, section, table } from "../dom.js";
import { STATUS_CLASS, TAG, formatDuration, formatNumber, formatTime, modelHref, quoteValue, runHref, runName, tagMap } from "../format.js";
import { chartControls, metricChart } from "../metric_chart.js";

const CHARTS_AT_ONCE = 12;

/** #/runs/<id>: find the run's experiment and go to its page (run_link fragments may lack it). */
export async function runRedirect(runId) {
  const { run } = await get("mlflow/runs/get", { run_id: runId });
  location.replace(runHref(run.info.experiment_id, runId));
  return null;
}

export async function runPage(experimentId, runId) {
  const [{ run }, experiment] = await Promise.all([
    get("mlflow/runs/get", { run_id: runId }),
    get("mlflow/experiments/get", { experiment_id: experimentId }).then((b) => b.experiment, () => null),
  ]);
  const info = run.info;
  const tags = tagMap(run.data?.tags);
  const name = runName(run);
  document.title = `${name} · weir`;
  return h(
    "div",
    { class: "page run-page" },
    h(
      "div",
      { class: "breadcrumbs" },
      h("a", { href: "#/experiments" }, "Experiments"),
      " › ",
      h("a", { href: `#/experiments/${encodeURIComponent(info.experiment_id)}` }, experiment ? experiment.name : info.experiment_id),
      " › ",
      name,
    ),
    h("div", { class: "page-header" }, h("h1", null, name, " ", badge(info.status || "", STATUS_CLASS[info.status]))),
    overview(run, tags, experiment),
    notes(run, tags),
    section("Parameters", keyValueTable(run.data?.params, "params")),
    metricsSection(run),
    tagsSection(tags),
    section("Artifacts", artifactBrowser(info.run_id)),
  );
}

function overview(run, tags, experiment) {
  const info = run.info;
  const childSlot = h("span", { class: "muted" }, "…");
  const modelSlot = h("span", { class: "muted" }, "…");
  const parentId = tags.get(TAG.parent);
  const source = [tags.get(TAG.sourceName), tags.get(TAG.sourceType) ? `(${tags.get(TAG.sourceType)})` : ""].filter(Boolean).join(" ");
  const rows = [
    ["Run ID", h("code", null, info.run_id)],
    ["Experiment", h("a", { href: `#/experiments/${encodeURIComponent(info.experiment_id)}` }, experiment ? `${experiment.name} (${info.experiment_id})` : info.experiment_id)],
    ["Status", badge(info.status || "", STATUS_CLASS[info.status])],
    ["Started", formatTime(info.start_time)],
    ["Ended", formatTime(info.end_time)],
    ["Duration", formatDuration(info.start_time, info.end_time) || (info.status === "RUNNING" ? "running" : "")],
    ["User", info.user_id || tags.get(TAG.user) || ""],
    ["Source", source],
    tags.get(TAG.gitCommit) ? ["Git commit", h("code", null, tags.get(TAG.gitCommit))] : null,
    ["Lifecycle", info.lifecycle_stage || ""],
    ["Artifact URI", h("code", null, info.artifact_uri || "")],
    parentId ? ["Parent run", h("a", { href: runHref(info.experiment_id, parentId), class: "parent-link" }, parentId)] : null,
    ["Child runs", childSlot],
    ["Registered models", modelSlot],
  ].filter(Boolean);
  post("mlflow/runs/search", {
    experiment_ids: [info.experiment_id],
    filter: `tags.\`${TAG.parent}\` = ${quoteValue(info.run_id)}`,
    max_results: 100,
    order_by: ["attributes.start_time ASC"],
  })
    .then((body) => {
      const children = body.runs || [];
      childSlot.className = children.length ? "child-links" : "muted";
      childSlot.replaceChildren(
        ...(children.length
          ? children.map((c) => h("a", { href: runHref(c.info.experiment_id, c.info.run_id), class: "chip" }, runName(c)))
          : ["none"]),
        body.next_page_token ? " (first 100)" : "",
      );
    })
    .catch((error) => childSlot.replaceChildren(errorBox(error)));
  get("mlflow/model-versions/search", { filter: `run_id = ${quoteValue(info.run_id)}`, max_results: 100 })
    .then((body) => {
      const versions = body.model_versions || [];
      modelSlot.className = versions.length ? "" : "muted";
      modelSlot.replaceChildren(
        ...(versions.length ? versions.map((v) => h("a", { href: modelHref(v.name, v.version), class: "chip" }, `${v.name} v${v.version}`)) : ["none"]),
      );
    })
    .catch(() => modelSlot.replaceChildren("—"));
  return section("Overview", h("table", { class: "kv" }, h("tbody", null, rows.map(([k, v]) => h("tr", null, h("th", null, k), h("td", null, v))))));
}

function notes(run, tags) {
  let current = tags.get(TAG.note) || "";
  const view = h("div", { class: "note-text" });
  const editor = h("textarea", { rows: 6, "aria-label": "Run notes", hidden: true });
  const status = h("span", { class: "muted" });
  const editButton = h("button", { onclick: startEdit }, "Edit notes");
  const saveButton = h("button", { class: "primary", hidden: true, onclick: save }, "Save");
  const cancelButton = h("button", { hidden: true, onclick: stopEdit }, "Cancel");
  function show() {
    view.textContent = current || "No notes.";
    view.classList.toggle("muted", !current);
  }
  function startEdit() {
    editor.value = current;
    editor.hidden = false;
    view.hidden = true;
    editButton.hidden = true;
    saveButton.hidden = cancelButton.hidden = false;
    editor.focus();
  }
  function stopEdit() {
    editor.hidden = true;
    view.hidden = false;
    editButton.hidden = false;
    saveButton.hidden = cancelButton.hidden = true;
  }
  async function save() {
    saveButton.disabled = true;
    try {
      await post("mlflow/runs/set-tag", { run_id: run.info.run_id, key: TAG.note, value: editor.value });
      current = editor.value;
      show();
      stopEdit();
      status.textContent = "Saved.";
    } catch (error) {
      status.replaceChildren(errorBox(error));
    } finally {
      saveButton.disabled = false;
    }
  }
  show();
  return section("Notes", view, editor, h("div", { class: "toolbar" }, editButton, saveButton, cancelButton, status));
}

function keyValueTable(items, kind) {
  const list = [...(items || [])].sort((a, b) => a.key.localeCompare(b.key));
  if (!list.length) return h("p", { class: "muted" }, `No ${kind}.`);
  return table(["Name", "Value"], list.map((item) => [item.key, h("span", { class: "value" }, item.value ?? "")]), { class: `grid kv-table ${kind}` });
}

function metricsSection(run) {
  const metrics = [...(run.data?.metrics || [])].sort((a, b) => a.key.localeCompare(b.key));
  if (!metrics.length) return section("Metrics", h("p", { class: "muted" }, "No metrics."));
  const settings = { xMode: "step", logY: false };
  const grid = h("div", { class: "chart-grid" });
  const runs = [{ id: run.info.run_id, name: runName(run), color: "#2563eb" }];
  let shown = 0;
  const more = h("button", { onclick: () => addCharts(CHARTS_AT_ONCE) });
  function addCharts(count) {
    for (const m of metrics.slice(shown, shown + count)) grid.appendChild(metricChart(m.key, runs, settings));
    shown = Math.min(metrics.length, shown + count);
    more.hidden = shown >= metrics.length;
    more.textContent = `Show ${Math.min(CHARTS_AT_ONCE, metrics.length - shown)} more charts`;
  }
  addCharts(CHARTS_AT_ONCE);
  // MLflow's servers send the latest point's step and timestamp; show them when this one does.
  const detailed = metrics.some((m) => m.timestamp !== undefined);
  const summary = table(
    detailed ? ["Name", "Latest value", "Step", "Logged at"] : ["Name", "Latest value"],
    metrics.map((m) => {
      const cells = [m.key, h("span", { class: "num" }, formatNumber(m.value))];
      return detailed ? [...cells, String(m.step ?? 0), formatTime(m.timestamp)] : cells;
    }),
    { class: "grid metrics-table" },
  );
  return section("Metrics", summary, chartControls(settings, () => [...grid.children]), grid, more);
}

function tagsSection(tags) {
  const user = [...tags].filter(([k]) => !k.startsWith("mlflow."));
  const system = [...tags].filter(([k]) => k.startsWith("mlflow.") && k !== TAG.note);
  const toItems = (list) => list.map(([key, value]) => ({ key, value }));
  return section(
    "Tags",
    keyValueTable(toItems(user), "tags"),
    system.length ? h("details", { class: "system-tags" }, h("summary", null, `System tags (${system.length})`), keyValueTable(toItems(system), "tags")) : null,
  );
}
