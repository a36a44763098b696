// Artifact browser: a lazily expanded tree (artifacts/list) and previews by file type.
import { artifactText, artifactUrl, get } from "./api.js";
import { errorBox, h } from "./dom.js";
import { parseCsv } from "./csv.js";

const IMAGE = /\.(png|jpe?g|gif|svg|webp|bmp)$/i;
const CSV = /\.(csv|tsv)$/i;
const JSON_FILE = /\.(json|jsonl)$/i;
const YAML = /(\.ya?ml|(^|\/)MLmodel)$/i;
const TEXT = /(\.(txt|log|md|py|r|sh|cfg|ini|toml|conf|html?|xml|sql|ipynb|js|ts|java|scala|c|h|cpp|rst|properties|env|requirements)|(^|\/)(MLmodel|Dockerfile|MLproject|LICENSE|README)[^/]*)$/i;
const MAX_PREVIEW_BYTES = 2 * 1024 * 1024;
const MAX_CSV_ROWS = 500;

async function listDir(runId, path) {
  const files = [];
  let token;
  for (let i = 0; i < 50; i++) {
    const body = await get("mlflow/artifacts/list", { run_id: runId, path: path || undefined, page_token: token });
    files.push(...(body.files || []));
    token = body.next_page_token;
    if (!token) break;
  }
  return files.sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path));
}

function baseName(path) {
  return path.split("/").pop();
}

function formatSize(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n)) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** The browser for one run's artifacts. */
export function artifactBrowser(runId) {
  const tree = h("ul", { class: "tree", role: "tree" });
  const preview = h("div", { class: "artifact-preview" }, h("p", { class: "muted" }, "Select a file to preview it."));
  let selected = null;

  async function fill(list, path) {
    list.replaceChildren(h("li", { class: "muted" }, "Loading…"));
    try {
      const files = await listDir(runId, path);
      list.replaceChildren(...(files.length ? files.map(node) : [h("li", { class: "muted" }, path ? "Empty folder." : "No artifacts.")]));
      return files;
    } catch (error) {
      list.replaceChildren(h("li", null, errorBox(error)));
      return [];
    }
  }

  function node(file) {
    const label = h("span", { class: "tree-label" }, baseName(file.path));
    if (file.is_dir) {
      const children = h("ul", { class: "tree", hidden: true });
      const toggle = h("button", { class: "tree-item dir", dataset: { path: file.path }, "aria-expanded": "false" }, h("span", { class: "caret" }, "▸"), label);
      let loaded = false;
      toggle.addEventListener("click", () => {
        const open = children.hidden;
        children.hidden = !open;
        toggle.setAttribute("aria-expanded", String(open));
        toggle.firstChild.textContent = open ? "▾" : "▸";
        if (open && !loaded) {
          loaded = true;
          fill(children, file.path);
        }
      });
      return h("li", { role: "treeitem" }, toggle, children);
    }
    const button = h(
      "button",
      { class: "tree-item file", dataset: { path: file.path } },
      h("span", { class: "caret" }, ""),
      label,
      h("span", { class: "size" }, formatSize(file.file_size)),
    );
    button.addEventListener("click", () => {
      if (selected) selected.classList.remove("selected");
      selected = button;
      button.classList.add("selected");
      showPreview(runId, file, preview);
    });
    return h("li", { role: "treeitem" }, button);
  }

  fill(tree, "");
  return h("div", { class: "artifacts" }, h("div", { class: "artifact-tree" }, tree), preview);
}

async function showPreview(runId, file, target) {
  const url = artifactUrl(runId, file.path);
  const header = h(
    "div",
    { class: "preview-header" },
    h("strong", null, file.path),
    h("span", { class: "muted" }, formatSize(file.file_size)),
    h("a", { href: url, download: baseName(file.path), class: "button" }, "Download"),
  );
  const body = h("div", { class: "preview-body" }, h("p", { class: "muted" }, "Loading…"));
  target.replaceChildren(header, body);
  const path = file.path;
  if (IMAGE.test(path)) {
    const img = h("img", { src: url, alt: baseName(path), class: "preview-image" });
    img.addEventListener("error", () => body.replaceChildren(errorBox({ message: "The image could not be loaded." })));
    body.replaceChildren(img);
    return;
  }
  const kind = CSV.test(path) ? "csv" : JSON_FILE.test(path) ? "json" : YAML.test(path) ? "yaml" : TEXT.test(path) || !/\.[^/]+$/.test(baseName(path)) ? "text" : null;
  if (!kind) {
    body.replaceChildren(h("p", { class: "muted" }, "No preview for this file type."));
    return;
  }
  if (Number(file.file_size) > MAX_PREVIEW_BYTES) {
    body.replaceChildren(h("p", { class: "muted" }, `The file is larger than ${formatSize(MAX_PREVIEW_BYTES)}; download it to view it.`));
    return;
  }
  try {
    const text = await artifactText(runId, path);
    if (target.firstChild !== header) return;
    if (kind === "csv") body.replaceChildren(csvTable(text, path.toLowerCase().endsWith(".tsv") ? "\t" : ","));
    else if (kind === "json") body.replaceChildren(jsonView(text));
    else if (kind === "yaml") body.replaceChildren(yamlView(text));
    else body.replaceChildren(h("pre", { class: "text-preview" }, text));
  } catch (error) {
    body.replaceChildren(errorBox(error));
  }
}

function csvTable(text, delimiter) {
  const rows = parseCsv(text, delimiter, MAX_CSV_ROWS + 1);
  if (!rows.length) return h("p", { class: "muted" }, "Empty file.");
  const [head, ...rest] = rows;
  const shown = rest.slice(0, MAX_CSV_ROWS);
  return h(
    "div",
    { class: "csv-preview" },
    h(
      "table",
      { class: "grid csv" },
      h("thead", null, h("tr", null, head.map((c) => h("th", null, c)))),
      h("tbody", null, shown.map((r) => h("tr", null, r.map((c) => h("td", null, c))))),
    ),
    rest.length > MAX_CSV_ROWS ? h("p", { class: "muted" }, `Showing the first ${MAX_CSV_ROWS} rows.`) : null,
  );
}

function jsonView(text) {
  try {
    const lines = text.trim().split("\n");
    if (lines.length > 1 && lines.every((line) => line.trim().startsWith("{"))) {
      return h("pre", { class: "text-preview json" }, lines.map((line) => JSON.stringify(JSON.parse(line), null, 2)).join("\n"));
    }
    return h("pre", { class: "text-preview json" }, JSON.stringify(JSON.parse(text), null, 2));
  } catch (_) {
    return h("pre", { class: "text-preview" }, text);
  }
}

/** YAML shown as text with keys, comments and scalars colored (spans built from text, no HTML). */
function yamlView(text) {
  const pre = h("pre", { class: "text-preview yaml" });
  for (const line of text.split("\n")) {
    const match = line.match(/^(\s*(?:- )?)([^:#\s][^:#]*?)(:)(\s.*|$)/);
    if (line.trim().startsWith("#")) pre.append(h("span", { class: "y-comment" }, line), "\n");
    else if (match) pre.append(match[1], h("span", { class: "y-key" }, match[2]), match[3], h("span", { class: "y-value" }, match[4]), "\n");
    else pre.append(line, "\n");
  }
  return pre;
}
