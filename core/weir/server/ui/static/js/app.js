// Entry point: hash routing to the pages.
import { errorBox, mount } from "./dom.js";
import { experimentsPage } from "./pages/experiments.js";
import { runPage, runRedirect } from "./pages/run.js";
import { comparePage } from "./pages/compare.js";
import { modelsPage, modelPage, versionPage } from "./pages/models.js";

const ROUTES = [
  [/^\/?$/, () => {
    location.replace("#/experiments");
  }],
  [/^\/experiments\/?$/, (m, q) => experimentsPage(null, q)],
  [/^\/experiments\/([^/]+)\/?$/, (m, q) => experimentsPage(m[1], q)],
  [/^\/experiments\/([^/]+)\/runs\/([^/]+)\/?$/, (m, q) => runPage(m[1], m[2], q)],
  [/^\/runs\/([^/]+)\/?$/, (m) => runRedirect(m[1])],
  [/^\/compare\/?$/, (m, q) => comparePage(q)],
  [/^\/compare-runs\/?$/, (m, q) => comparePage(q)],
  [/^\/models\/?$/, (m, q) => modelsPage(q)],
  [/^\/models\/([^/]+)\/?$/, (m) => modelPage(m[1])],
  [/^\/models\/([^/]+)\/versions\/([^/]+)\/?$/, (m) => versionPage(m[1], m[2])],
];

let generation = 0;

async function route() {
  const root = document.getElementById("app");
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, queryText] = hash.split("?", 2);
  const query = new URLSearchParams(queryText || "");
  const section = path.startsWith("/models") ? "models" : "experiments";
  document.querySelectorAll("[data-nav]").forEach((a) => a.classList.toggle("active", a.dataset.nav === section));
  const mine = ++generation;
  for (const [pattern, render] of ROUTES) {
    const match = path.match(pattern);
    if (!match) continue;
    const decoded = match.map((part, i) => (i === 0 ? part : decodeURIComponent(part)));
    try {
      const page = await render(decoded, query);
      if (page && mine === generation) mount(root, page);
    } catch (error) {
      console.error(error);
      if (mine === generation) mount(root, errorBox(error));
    }
    return;
  }
  mount(root, errorBox({ code: "NOT_FOUND", message: `No page at #${path}` }));
}

window.addEventListener("hashchange", route);
route();
