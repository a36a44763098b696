// Experiments sidebar + the runs table of the selected experiment.
import { all, get } from "../api.js";
import { errorBox, h, loading } from "../dom.js";
import { TAG, tagMap } from "../format.js";
import { runsTable } from "../runs_table.js";

async function listExperiments() {
  return all("mlflow/experiments/search", { max_results: 1000, order_by: ["name ASC"], view_type: "ACTIVE_ONLY" }, "experiments");
}

function sidebar(experiments, selectedId) {
  const items = experiments.map((exp) =>
    h(
      "li",
      { class: exp.experiment_id === selectedId ? "selected" : "", dataset: { name: exp.name.toLowerCase() } },
      h("a", { href: `#/experiments/${encodeURIComponent(exp.experiment_id)}`, title: exp.name }, exp.name),
    ),
  );
  const list = h("ul", { class: "exp-list" }, items);
  const search = h("input", {
    type: "search",
    placeholder: "Filter experiments",
    "aria-label": "Filter experiments",
    oninput: (event) => {
      const needle = event.target.value.toLowerCase();
      for (const li of list.children) li.hidden = needle !== "" && !li.dataset.name.includes(needle);
    },
  });
  return h("aside", { class: "sidebar" }, h("h2", null, "Experiments"), search, list);
}

function header(experiment) {
  const tags = tagMap(experiment.tags);
  const note = tags.get(TAG.note);
  return h(
    "div",
    { class: "page-header" },
    h("h1", null, experiment.name),
    h(
      "div",
      { class: "meta" },
      h("span", null, "Experiment ID: ", h("code", null, experiment.experiment_id)),
      h("span", null, "Artifact location: ", h("code", null, experiment.artifact_location || "")),
    ),
    note ? h("p", { class: "note" }, note) : null,
  );
}

/** #/experiments[/<id>]: the sidebar and, for a selected experiment, its runs. */
export async function experimentsPage(experimentId, query) {
  const experiments = await listExperiments();
  if (!experimentId) {
    if (!experiments.length) {
      return h("div", { class: "layout" }, sidebar([], null), h("div", { class: "content" }, h("p", { class: "muted" }, "No experiments yet.")));
    }
    const first = experiments.find((e) => e.experiment_id !== "0") || experiments[0];
    location.replace(`#/experiments/${encodeURIComponent(first.experiment_id)}`);
    return null;
  }
  const content = h("div", { class: "content" }, loading());
  const page = h("div", { class: "layout" }, sidebar(experiments, experimentId), content);
  get("mlflow/experiments/get", { experiment_id: experimentId })
    .then(({ experiment }) => content.replaceChildren(header(experiment), runsTable(experiment, query)))
    .catch((error) => content.replaceChildren(errorBox(error)));
  return page;
}
