// Model registry: models list, model page (versions) and version page (stages, aliases, history).
import { ApiError, get, send } from "../api.js";
import { badge, errorBox, h, loading, mount, section, table } from "../dom.js";
import { formatTime, modelHref, quoteValue, tagMap } from "../format.js";

const STAGES = ["None", "Staging", "Production", "Archived"];
// transition-stage accepts archive_existing_versions only for these targets.
const ARCHIVING_STAGES = new Set(["Staging", "Production"]);
const STAGE_CLASS = { Production: "ok", Staging: "info", Archived: "muted", None: "" };
const PAGE_SIZE = 50;

function stageBadge(stage) {
  return badge(stage || "None", STAGE_CLASS[stage || "None"]);
}

function aliasChips(aliases) {
  return (aliases || []).map((a) => h("span", { class: "chip alias" }, `@${typeof a === "string" ? a : a.alias}`));
}

/** #/models: registered models with a name search and page tokens. */
export async function modelsPage(query) {
  const state = { search: query.get("q") || "", tokens: [null], index: 0, request: 0 };
  const input = h("input", {
    type: "search",
    class: "filter",
    placeholder: "Search models by name",
    "aria-label": "Search models",
    value: state.search,
    onkeydown: (e) => e.key === "Enter" && apply(),
  });
  const errorSlot = h("div");
  const tableSlot = h("div", { class: "table-wrap" }, loading());
  const prev = h("button", { onclick: () => go(state.index - 1) }, "‹ Previous");
  const next = h("button", { onclick: () => go(state.index + 1) }, "Next ›");
  const label = h("span", { class: "page-label" });
  function apply() {
    state.search = input.value.trim();
    state.tokens = [null];
    state.index = 0;
    history.replaceState(null, "", state.search ? `#/models?q=${encodeURIComponent(state.search)}` : "#/models");
    load();
  }
  function go(i) {
    if (i < 0 || i >= state.tokens.length) return;
    state.index = i;
    load();
  }
  async function load() {
    const request = ++state.request;
    try {
      const body = await get("mlflow/registered-models/search", {
        filter: state.search ? `name ILIKE ${quoteValue(`%${state.search}%`)}` : undefined,
        max_results: PAGE_SIZE,
        order_by: ["name ASC"],
        page_token: state.tokens[state.index] || undefined,
      });
      if (request !== state.request) return;
      const models = body.registered_models || [];
      state.tokens = state.tokens.slice(0, state.index + 1);
      if (body.next_page_token) state.tokens.push(body.next_page_token);
      errorSlot.replaceChildren();
      tableSlot.replaceChildren(
        models.length
          ? table(
              ["Name", "Latest versions", "Aliases", "Last modified", "Description"],
              models.map((m) => [
                h("a", { href: modelHref(m.name) }, m.name),
                h("span", null, (m.latest_versions || []).map((v) => h("a", { href: modelHref(m.name, v.version), class: "chip" }, `v${v.version} `, stageBadge(v.current_stage)))),
                h("span", null, aliasChips(m.aliases)),
                formatTime(m.last_updated_timestamp),
                h("span", { class: "ellipsis" }, m.description || ""),
              ]),
              { class: "grid models-table" },
            )
          : h("p", { class: "muted" }, state.search ? "No models match." : "No registered models yet."),
      );
      label.textContent = `Page ${state.index + 1}`;
      prev.disabled = state.index === 0;
      next.disabled = state.index + 1 >= state.tokens.length;
    } catch (error) {
      if (request === state.request) errorSlot.replaceChildren(errorBox(error));
    }
  }
  load();
  document.title = "Models · weir";
  return h(
    "div",
    { class: "page" },
    h("div", { class: "page-header" }, h("h1", null, "Registered models")),
    h("div", { class: "toolbar" }, input, h("button", { onclick: apply }, "Search")),
    errorSlot,
    tableSlot,
    h("div", { class: "pager" }, prev, label, next),
  );
}

/** A link to the run that produced a version (built from run_id; run_link only when it is an in-app link). */
function runLink(version) {
  const link = version.run_link || "";
  if (/^#\/experiments\/[^/]+\/runs\/[^/]+$/.test(link)) return h("a", { href: link, class: "run-link" }, version.run_id || link);
  if (version.run_id) return h("a", { href: `#/runs/${encodeURIComponent(version.run_id)}`, class: "run-link" }, version.run_id);
  return "";
}

/** #/models/<name> */
export async function modelPage(name) {
  const { registered_model: model } = await get("mlflow/registered-models/get", { name });
  const versionsSlot = h("div", { class: "table-wrap" }, loading());
  const state = { tokens: [null], index: 0 };
  const prev = h("button", { onclick: () => go(state.index - 1) }, "‹ Previous");
  const next = h("button", { onclick: () => go(state.index + 1) }, "Next ›");
  function go(i) {
    if (i < 0 || i >= state.tokens.length) return;
    state.index = i;
    load();
  }
  async function load() {
    try {
      const body = await get("mlflow/model-versions/search", {
        filter: `name = ${quoteValue(name)}`,
        order_by: ["version_number DESC"],
        max_results: PAGE_SIZE,
        page_token: state.tokens[state.index] || undefined,
      });
      state.tokens = state.tokens.slice(0, state.index + 1);
      if (body.next_page_token) state.tokens.push(body.next_page_token);
      prev.disabled = state.index === 0;
      next.disabled = state.index + 1 >= state.tokens.length;
      const versions = body.model_versions || [];
      versionsSlot.replaceChildren(
        versions.length
          ? table(
              ["Version", "Registered", "Stage", "Aliases", "Status", "Source run", "Description"],
              versions.map((v) => [
                h("a", { href: modelHref(name, v.version) }, `Version ${v.version}`),
                formatTime(v.creation_timestamp),
                stageBadge(v.current_stage),
                h("span", null, aliasChips(v.aliases)),
                v.status || "",
                runLink(v),
                h("span", { class: "ellipsis" }, v.description || ""),
              ]),
              { class: "grid versions-table" },
            )
          : h("p", { class: "muted" }, "No versions."),
      );
    } catch (error) {
      versionsSlot.replaceChildren(errorBox(error));
    }
  }
  load();
  document.title = `${name} · weir`;
  const tags = (model.tags || []).filter((t) => !t.key.startsWith("mlflow."));
  return h(
    "div",
    { class: "page model-page" },
    h("div", { class: "breadcrumbs" }, h("a", { href: "#/models" }, "Models"), " › ", name),
    h("div", { class: "page-header" }, h("h1", null, name)),
    section(
      "Details",
      h(
        "table",
        { class: "kv" },
        h(
          "tbody",
          null,
          h("tr", null, h("th", null, "Created"), h("td", null, formatTime(model.creation_timestamp))),
          h("tr", null, h("th", null, "Last modified"), h("td", null, formatTime(model.last_updated_timestamp))),
          h("tr", null, h("th", null, "Description"), h("td", { class: "note-text" }, model.description || "—")),
          h("tr", null, h("th", null, "Aliases"), h("td", null, (model.aliases || []).map((a) => h("a", { href: modelHref(name, a.version), class: "chip alias" }, `@${a.alias} → v${a.version}`)))),
        ),
      ),
    ),
    tags.length ? section("Tags", table(["Name", "Value"], tags.map((t) => [t.key, t.value]))) : null,
    section("Versions", versionsSlot, h("div", { class: "pager" }, prev, next)),
  );
}

/** #/models/<name>/versions/<v> */
export async function versionPage(name, version) {
  const root = h("div", { class: "page version-page" });
  async function refresh() {
    const { model_version: mv } = await get("mlflow/model-versions/get", { name, version });
    mount(root, renderVersion(mv, refresh));
  }
  await refresh();
  document.title = `${name} v${version} · weir`;
  return root;
}

function renderVersion(mv, refresh) {
  const tags = tagMap(mv.tags);
  return [
    h("div", { class: "breadcrumbs" }, h("a", { href: "#/models" }, "Models"), " › ", h("a", { href: modelHref(mv.name) }, mv.name), " › ", `Version ${mv.version}`),
    h("div", { class: "page-header" }, h("h1", null, `${mv.name} · version ${mv.version} `, stageBadge(mv.current_stage))),
    section(
      "Details",
      h(
        "table",
        { class: "kv" },
        h(
          "tbody",
          null,
          [
            ["Stage", stageBadge(mv.current_stage)],
            ["Status", mv.status || ""],
            ["Registered", formatTime(mv.creation_timestamp)],
            ["Last modified", formatTime(mv.last_updated_timestamp)],
            ["User", mv.user_id || ""],
            ["Source", h("code", null, mv.source || "")],
            ["Source run", runLink(mv)],
            mv.model_id ? ["Logged model", h("code", null, mv.model_id)] : null,
            ["Description", h("span", { class: "note-text" }, mv.description || "—")],
          ]
            .filter(Boolean)
            .map(([k, v]) => h("tr", null, h("th", null, k), h("td", null, v))),
        ),
      ),
    ),
    stageSection(mv, refresh),
    aliasSection(mv, refresh),
    historySection(mv),
    tags.size ? section("Tags", table(["Name", "Value"], [...tags].map(([k, v]) => [k, v]))) : null,
  ];
}

function stageSection(mv, refresh) {
  const status = h("div", { class: "status-slot" });
  const select = h("select", { "aria-label": "Target stage", class: "stage-select" }, STAGES.filter((s) => s !== mv.current_stage).map((s) => h("option", { value: s }, s)));
  const archive = h("input", { type: "checkbox", class: "archive-existing" });
  const archiveLabel = h("label", { class: "check" }, archive, "Archive other versions currently in the target stage (Staging / Production only)");
  async function transition(stage, archiveExisting) {
    for (const b of buttons) b.disabled = true;
    try {
      await send("POST", "mlflow/model-versions/transition-stage", {
        name: mv.name,
        version: String(mv.version),
        stage,
        archive_existing_versions: archiveExisting,
      });
      await refresh();
    } catch (error) {
      status.replaceChildren(errorBox(error));
      for (const b of buttons) b.disabled = false;
    }
  }
  const button = h("button", { class: "primary transition", onclick: () => transition(select.value, archive.checked && ARCHIVING_STAGES.has(select.value)) }, "Transition");
  const quick = ["Staging", "Production", "Archived"]
    .filter((s) => s !== mv.current_stage)
    .map((s) =>
      h(
        "button",
        {
          class: "quick-stage",
          dataset: { stage: s },
          title: s === "Archived" ? "Archive this version" : `Move to ${s}; other versions in ${s} are archived when the box below is ticked`,
          onclick: () => transition(s, ARCHIVING_STAGES.has(s) && archive.checked),
        },
        `→ ${s}`,
      ),
    );
  const buttons = [button, ...quick];
  return section(
    "Stage",
    h("p", null, "Current stage: ", stageBadge(mv.current_stage), h("span", { class: "muted" }, "  (stages are deprecated in MLflow; aliases are the recommended replacement)")),
    h("div", { class: "toolbar" }, quick),
    h("div", { class: "toolbar" }, "Move to ", select, button),
    h("div", { class: "toolbar" }, archiveLabel),
    status,
  );
}

function aliasSection(mv, refresh) {
  const status = h("div", { class: "status-slot" });
  const input = h("input", { type: "text", placeholder: "alias (e.g. champion)", "aria-label": "New alias", class: "alias-input" });
  const act = async (method, alias) => {
    try {
      const body = { name: mv.name, alias };
      if (method === "POST") body.version = String(mv.version);
      await send(method, "mlflow/registered-models/alias", body);
      await refresh();
    } catch (error) {
      status.replaceChildren(errorBox(error));
    }
  };
  const chips = (mv.aliases || []).map((alias) =>
    h("span", { class: "chip alias" }, `@${alias}`, h("button", { class: "chip-remove", title: `Delete alias ${alias}`, "aria-label": `Delete alias ${alias}`, onclick: () => act("DELETE", alias) }, "×")),
  );
  return section(
    "Aliases",
    h("div", { class: "alias-list" }, chips.length ? chips : h("span", { class: "muted" }, "No aliases.")),
    h(
      "div",
      { class: "toolbar" },
      input,
      h("button", { onclick: () => input.value.trim() && act("POST", input.value.trim()) }, "Set alias"),
      h("span", { class: "muted" }, "Setting an alias moves it from any other version."),
    ),
    status,
  );
}

function historySection(mv) {
  const slot = h("div", { class: "stage-history" }, loading());
  get("weir/model-versions/stage-history", { name: mv.name, version: mv.version })
    .then((body) => {
      const transitions = body.transitions || [];
      slot.replaceChildren(
        transitions.length
          ? table(
              ["When", "From", "To", "User"],
              [...transitions].reverse().map((t) => [formatTime(t.timestamp), stageBadge(t.from_stage), stageBadge(t.to_stage), t.user_id || ""]),
              { class: "grid history-table" },
            )
          : h("p", { class: "muted" }, "No stage transitions yet."),
      );
    })
    .catch((error) => {
      slot.replaceChildren(
        error instanceof ApiError && error.code === "ENDPOINT_NOT_FOUND"
          ? h("p", { class: "muted" }, "This server does not provide stage history.")
          : errorBox(error),
      );
    });
  return section("Stage history", slot);
}
