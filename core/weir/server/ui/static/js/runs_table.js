// The runs table: server-side search filter, order_by and page tokens; one page is rendered at a time.
import { post } from "./api.js";
import { badge, errorBox, h, mount } from "./dom.js";
import { STATUS_CLASS, TAG, formatDuration, formatNumber, formatTime, quoteKey, runHref, runName, tagMap } from "./format.js";

const PAGE_SIZES = [25, 50, 100, 250];
const AUTO_COLUMNS = 8;
const DEFAULT_ORDER = "attributes.start_time DESC";
const ATTRIBUTE_COLUMNS = [
  { id: "attr:start_time", title: "Created", order: "attributes.start_time" },
  { id: "attr:duration", title: "Duration" },
  { id: "attr:status", title: "Status", order: "attributes.status" },
  { id: "attr:user_id", title: "User", order: "attributes.user_id" },
  { id: "attr:source", title: "Source" },
];

function storageKey(experimentId) {
  return `weir.columns.${experimentId}`;
}

function loadColumnChoice(experimentId) {
  try {
    const saved = JSON.parse(localStorage.getItem(storageKey(experimentId)) || "null");
    return saved && Array.isArray(saved.hidden) ? { hidden: new Set(saved.hidden), shown: new Set(saved.shown || []) } : null;
  } catch (_) {
    return null;
  }
}

/** The runs table for ``experiment``; ``query`` may carry filter, order_by and page size from the URL hash. */
export function runsTable(experiment, query) {
  const experimentId = experiment.experiment_id;
  const state = {
    filter: query.get("filter") || "",
    orderBy: query.get("order_by") || DEFAULT_ORDER,
    pageSize: Number(query.get("max_results")) || 50,
    viewType: query.get("view") || "ACTIVE_ONLY",
    tokens: [null],
    pageIndex: 0,
    selected: new Set(),
    choice: loadColumnChoice(experimentId) || { hidden: new Set(), shown: new Set() },
    known: { metrics: new Set(), params: new Set(), tags: new Set() },
    runs: [],
    nextToken: null,
    request: 0,
  };

  const filterInput = h("input", {
    type: "search",
    class: "filter",
    placeholder: "Search runs: metrics.rmse < 1 and params.model = 'tree' and tags.team LIKE 'ml%'",
    "aria-label": "Run filter",
    value: state.filter,
    onkeydown: (event) => {
      if (event.key === "Enter") applyFilter();
    },
  });
  const viewSelect = h(
    "select",
    { "aria-label": "Run lifecycle", onchange: (e) => { state.viewType = e.target.value; reset(); } },
    ["ACTIVE_ONLY", "DELETED_ONLY", "ALL"].map((v) =>
      h("option", { value: v, selected: v === state.viewType }, { ACTIVE_ONLY: "Active runs", DELETED_ONLY: "Deleted runs", ALL: "All runs" }[v]),
    ),
  );
  const compareButton = h("button", { class: "primary", disabled: true, onclick: compare }, "Compare");
  const columnsPanel = h("div", { class: "columns-panel" });
  const columnsMenu = h("details", { class: "menu" }, h("summary", null, "Columns"), columnsPanel);
  const errorSlot = h("div", { class: "error-slot" });
  const tableSlot = h("div", { class: "table-wrap" });
  const pageLabel = h("span", { class: "page-label" });
  const prevButton = h("button", { onclick: () => go(state.pageIndex - 1), "aria-label": "Previous page" }, "‹ Previous");
  const nextButton = h("button", { onclick: () => go(state.pageIndex + 1), "aria-label": "Next page" }, "Next ›");
  const sizeSelect = h(
    "select",
    { "aria-label": "Rows per page", onchange: (e) => { state.pageSize = Number(e.target.value); reset(); } },
    PAGE_SIZES.map((n) => h("option", { value: n, selected: n === state.pageSize }, `${n} / page`)),
  );

  const root = h(
    "div",
    { class: "runs" },
    h(
      "div",
      { class: "toolbar" },
      filterInput,
      h("button", { onclick: applyFilter }, "Search"),
      h("button", { onclick: () => { filterInput.value = ""; applyFilter(); } }, "Clear"),
      viewSelect,
      columnsMenu,
      compareButton,
    ),
    errorSlot,
    tableSlot,
    h("div", { class: "pager" }, prevButton, pageLabel, nextButton, sizeSelect),
  );

  function syncHash() {
    const params = new URLSearchParams();
    if (state.filter) params.set("filter", state.filter);
    if (state.orderBy !== DEFAULT_ORDER) params.set("order_by", state.orderBy);
    if (state.pageSize !== 50) params.set("max_results", String(state.pageSize));
    if (state.viewType !== "ACTIVE_ONLY") params.set("view", state.viewType);
    const text = params.toString();
    history.replaceState(null, "", `#/experiments/${encodeURIComponent(experimentId)}${text ? `?${text}` : ""}`);
  }

  function applyFilter() {
    state.filter = filterInput.value.trim();
    reset();
  }

  function reset() {
    state.tokens = [null];
    state.pageIndex = 0;
    syncHash();
    load();
  }

  function go(index) {
    if (index < 0 || index >= state.tokens.length) return;
    state.pageIndex = index;
    load();
  }

  function compare() {
    const ids = [...state.selected];
    if (ids.length >= 2) location.hash = `#/compare?runs=${ids.map(encodeURIComponent).join(",")}&experiment=${encodeURIComponent(experimentId)}`;
  }

  async function load() {
    const request = ++state.request;
    root.classList.add("busy");
    try {
      const body = await post("mlflow/runs/search", {
        experiment_ids: [experimentId],
        filter: state.filter,
        order_by: [state.orderBy],
        max_results: state.pageSize,
        page_token: state.tokens[state.pageIndex] || undefined,
        run_view_type: state.viewType,
      });
      if (request !== state.request) return;
      state.runs = body.runs || [];
      state.nextToken = body.next_page_token || null;
      state.tokens = state.tokens.slice(0, state.pageIndex + 1);
      if (state.nextToken) state.tokens.push(state.nextToken);
      errorSlot.replaceChildren();
      render();
    } catch (error) {
      if (request !== state.request) return;
      state.runs = [];
      state.nextToken = null;
      errorSlot.replaceChildren(errorBox(error));
      render();
    } finally {
      if (request === state.request) root.classList.remove("busy");
    }
  }

  function visibleKeys(kind, keys) {
    const sorted = [...keys].sort();
    return sorted.filter((key, i) => {
      const id = `${kind}:${key}`;
      if (state.choice.hidden.has(id)) return false;
      if (state.choice.shown.has(id)) return true;
      return kind !== "tags" && i < AUTO_COLUMNS;
    });
  }

  function saveChoice() {
    localStorage.setItem(storageKey(experimentId), JSON.stringify({ hidden: [...state.choice.hidden], shown: [...state.choice.shown] }));
  }

  function toggleColumn(id, on) {
    state.choice.hidden.delete(id);
    state.choice.shown.delete(id);
    (on ? state.choice.shown : state.choice.hidden).add(id);
    saveChoice();
    render();
  }

  function renderColumnsPanel(columns) {
    const shown = new Set(columns.map((c) => c.id));
    const group = (title, ids) =>
      ids.length
        ? h(
            "fieldset",
            null,
            h("legend", null, title),
            ids.map(([id, label]) =>
              h("label", { class: "check" }, h("input", { type: "checkbox", checked: shown.has(id), dataset: { column: id }, onchange: (e) => toggleColumn(id, e.target.checked) }), label),
            ),
          )
        : null;
    mount(
      columnsPanel,
      group("Attributes", ATTRIBUTE_COLUMNS.map((c) => [c.id, c.title])),
      group("Metrics", [...state.known.metrics].sort().map((k) => [`metrics:${k}`, k])),
      group("Parameters", [...state.known.params].sort().map((k) => [`params:${k}`, k])),
      group("Tags", [...state.known.tags].sort().map((k) => [`tags:${k}`, k])),
    );
  }

  function sortHeader(title, orderKey, cls) {
    if (!orderKey) return h("th", { class: cls }, title);
    const [currentKey, direction] = splitOrder(state.orderBy);
    const active = currentKey === orderKey;
    const arrow = active ? (direction === "ASC" ? " ▲" : " ▼") : "";
    return h(
      "th",
      {
        class: `sortable ${cls || ""} ${active ? "sorted" : ""}`.trim(),
        title: `Sort by ${orderKey}`,
        dataset: { order: orderKey },
        onclick: () => {
          const next = active ? (direction === "ASC" ? "DESC" : "ASC") : orderKey.startsWith("attributes.run_name") ? "ASC" : "DESC";
          state.orderBy = `${orderKey} ${next}`;
          reset();
        },
      },
      title,
      arrow,
    );
  }

  function render() {
    for (const run of state.runs) {
      for (const m of run.data?.metrics || []) state.known.metrics.add(m.key);
      for (const p of run.data?.params || []) state.known.params.add(p.key);
      for (const t of run.data?.tags || []) if (!t.key.startsWith("mlflow.")) state.known.tags.add(t.key);
    }
    const attrs = ATTRIBUTE_COLUMNS.filter((c) => !state.choice.hidden.has(c.id));
    const columns = [
      ...attrs,
      ...visibleKeys("metrics", state.known.metrics).map((k) => ({ id: `metrics:${k}`, key: k, kind: "metrics", title: k, order: quoteKey("metrics", k) })),
      ...visibleKeys("params", state.known.params).map((k) => ({ id: `params:${k}`, key: k, kind: "params", title: k, order: quoteKey("params", k) })),
      ...visibleKeys("tags", state.known.tags).map((k) => ({ id: `tags:${k}`, key: k, kind: "tags", title: k, order: quoteKey("tags", k) })),
    ];
    renderColumnsPanel(columns);
    const groupRow = h(
      "tr",
      { class: "group-row" },
      h("th", { colspan: 2 + attrs.length }),
      ["metrics", "params", "tags"].map((kind) => {
        const n = columns.filter((c) => c.kind === kind).length;
        return n ? h("th", { colspan: n, class: `group ${kind}` }, { metrics: "Metrics", params: "Parameters", tags: "Tags" }[kind]) : null;
      }),
    );
    const allBox = h("input", {
      type: "checkbox",
      "aria-label": "Select all runs on this page",
      checked: state.runs.length > 0 && state.runs.every((r) => state.selected.has(r.info.run_id)),
      onchange: (e) => {
        for (const run of state.runs) e.target.checked ? state.selected.add(run.info.run_id) : state.selected.delete(run.info.run_id);
        render();
      },
    });
    const headRow = h(
      "tr",
      null,
      h("th", { class: "select" }, allBox),
      sortHeader("Run name", "attributes.run_name", "name"),
      columns.map((c) => sortHeader(c.title, c.order, c.kind ? `col-${c.kind}` : "")),
    );
    const namesById = new Map(state.runs.map((r) => [r.info.run_id, runName(r)]));
    const rows = state.runs.map((run) => row(run, columns, namesById));
    const empty = state.runs.length
      ? null
      : h("tr", null, h("td", { colspan: columns.length + 2, class: "muted empty" }, state.filter ? "No runs match the filter." : "No runs."));
    tableSlot.replaceChildren(h("table", { class: "grid runs-table" }, h("thead", null, groupRow, headRow), h("tbody", null, rows, empty)));
    pageLabel.textContent = `Page ${state.pageIndex + 1}${state.runs.length ? ` · runs ${state.pageIndex * state.pageSize + 1}–${state.pageIndex * state.pageSize + state.runs.length}` : ""}`;
    prevButton.disabled = state.pageIndex === 0;
    nextButton.disabled = !state.nextToken;
    compareButton.disabled = state.selected.size < 2;
    compareButton.textContent = state.selected.size ? `Compare (${state.selected.size})` : "Compare";
  }

  function row(run, columns, namesById) {
    const info = run.info;
    const tags = tagMap(run.data?.tags);
    const metrics = new Map((run.data?.metrics || []).map((m) => [m.key, m.value]));
    const params = new Map((run.data?.params || []).map((p) => [p.key, p.value]));
    const parentId = tags.get(TAG.parent);
    const box = h("input", {
      type: "checkbox",
      "aria-label": `Select run ${runName(run)}`,
      checked: state.selected.has(info.run_id),
      onchange: (e) => {
        e.target.checked ? state.selected.add(info.run_id) : state.selected.delete(info.run_id);
        render();
      },
    });
    const nameCell = h(
      "td",
      { class: "name" },
      parentId ? h("span", { class: "child-mark", title: `Child of ${namesById.get(parentId) || parentId}` }, "↳ ") : null,
      h("a", { href: runHref(info.experiment_id, info.run_id) }, runName(run)),
    );
    const cells = columns.map((c) => {
      switch (c.id) {
        case "attr:start_time":
          return h("td", { class: "nowrap", title: info.start_time ? new Date(Number(info.start_time)).toISOString() : "" }, formatTime(info.start_time));
        case "attr:duration":
          return h("td", { class: "nowrap" }, formatDuration(info.start_time, info.end_time));
        case "attr:status":
          return h("td", null, badge(info.status || "", STATUS_CLASS[info.status]));
        case "attr:user_id":
          return h("td", null, info.user_id || tags.get(TAG.user) || "");
        case "attr:source":
          return h("td", { class: "ellipsis", title: tags.get(TAG.sourceName) || "" }, (tags.get(TAG.sourceName) || "").split("/").pop());
        default:
          if (c.kind === "metrics") return h("td", { class: "num" }, formatNumber(metrics.get(c.key)));
          if (c.kind === "params") return h("td", { class: "ellipsis", title: params.get(c.key) ?? "" }, params.get(c.key) ?? "");
          return h("td", { class: "ellipsis", title: tags.get(c.key) ?? "" }, tags.get(c.key) ?? "");
      }
    });
    return h("tr", { dataset: { runId: info.run_id }, class: state.selected.has(info.run_id) ? "selected" : "" }, h("td", { class: "select" }, box), nameCell, cells);
  }

  load();
  return root;
}

function splitOrder(orderBy) {
  const match = orderBy.trim().match(/^(.*?)(?:\s+(ASC|DESC))?$/i);
  return [match[1], (match[2] || "ASC").toUpperCase()];
}
