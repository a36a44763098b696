// DOM helpers. All user data goes through text nodes (textContent); nothing here parses HTML.

/** h("div", {class: "x", onclick: fn}, child, "text", [more]) builds an element. Strings become text nodes. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on") && typeof value === "function") {
        el.addEventListener(name.slice(2), value);
      } else if (name === "class") {
        el.className = value;
      } else if (name === "dataset") {
        Object.assign(el.dataset, value);
      } else if (name === "style" && typeof value === "object") {
        Object.assign(el.style, value);
      } else if (name === "href") {
        el.setAttribute("href", safeHref(value));
      } else if (name === "value" || name === "checked" || name === "disabled" || name === "selected") {
        el[name] = value;
      } else {
        el.setAttribute(name, value === true ? "" : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Only in-app hash links, same-origin paths and http(s) URLs may become an href. */
export function safeHref(value) {
  const text = String(value);
  if (text.startsWith("#") || (text.startsWith("/") && !text.startsWith("//"))) return text;
  if (/^https?:\/\//i.test(text)) return text;
  return "#";
}

/** Replace the children of ``el``. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function link(href, ...children) {
  return h("a", { href }, ...children);
}

/** A table from column titles and rows of cells (cells may be nodes or text). */
export function table(headers, rows, attrs) {
  return h(
    "table",
    Object.assign({ class: "grid" }, attrs || {}),
    h("thead", null, h("tr", null, headers.map((title) => h("th", null, title)))),
    h("tbody", null, rows.map((cells) => (cells instanceof Node ? cells : h("tr", null, cells.map((c) => h("td", null, c)))))),
  );
}

export function errorBox(error) {
  const code = error && error.code ? `${error.code}: ` : "";
  return h("div", { class: "error", role: "alert" }, code + (error && error.message ? error.message : String(error)));
}

export function loading(text) {
  return h("div", { class: "loading" }, text || "Loading…");
}

export function section(title, ...children) {
  return h("section", { class: "card" }, h("h2", null, title), ...children);
}

export function badge(text, kind) {
  return h("span", { class: `badge ${kind || ""}`.trim() }, text);
}
