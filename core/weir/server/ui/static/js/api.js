// Calls to weir's (MLflow-compatible) REST API under /ajax-api/2.0/.

export const API = "/ajax-api/2.0/";

export class ApiError extends Error {
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((item) => search.append(key, String(item)));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

async function parse(response) {
  const text = await response.text();
  let body = {};
  if (text) {
    try {
      body = JSON.parse(text);
    } catch (_) {
      if (!response.ok) throw new ApiError(text.slice(0, 500), `HTTP_${response.status}`, response.status);
      throw new ApiError("The server sent a response that is not JSON.", "BAD_RESPONSE", response.status);
    }
  }
  if (!response.ok) {
    throw new ApiError(body.message || response.statusText, body.error_code || `HTTP_${response.status}`, response.status);
  }
  return body;
}

/** GET ``path`` (relative to /ajax-api/2.0/) with query parameters; lists repeat the key. */
export async function get(path, params) {
  return parse(await fetch(API + path + query(params), { headers: { Accept: "application/json" } }));
}

/** POST/PATCH/DELETE with a JSON body. */
export async function send(method, path, body) {
  return parse(
    await fetch(API + path, {
      method,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body || {}),
    }),
  );
}

export const post = (path, body) => send("POST", path, body);

/** URL that downloads one run artifact. */
export function artifactUrl(runId, path) {
  return `/get-artifact${query({ run_id: runId, path })}`;
}

/** Fetch an artifact's text (throws ApiError on HTTP errors). */
export async function artifactText(runId, path) {
  const response = await fetch(artifactUrl(runId, path));
  if (!response.ok) {
    const text = await response.text();
    let message = text.slice(0, 300);
    try {
      message = JSON.parse(text).message || message;
    } catch (_) {
      /* plain-text error */
    }
    throw new ApiError(message || response.statusText, `HTTP_${response.status}`, response.status);
  }
  return response.text();
}

/**
 * At most ``maxPoints`` points of one metric's history, downsampled by the server (so a
 * million-point metric stays cheap). Falls back to get-history-bulk-interval, which samples too.
 */
export async function metricPoints(runId, key, maxPoints) {
  try {
    const body = await get("weir/metrics/downsampled", { run_id: runId, metric_key: key, max_points: maxPoints });
    return body.metrics || [];
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404 || error.code === "RESOURCE_DOES_NOT_EXIST") throw error;
  }
  const body = await get("mlflow/metrics/get-history-bulk-interval", {
    run_ids: [runId],
    metric_key: key,
    max_results: Math.min(2500, maxPoints),
  });
  return body.metrics || [];
}

/** Every page of a paged list call (for small lists such as experiments). */
export async function all(path, params, field, method = "GET", limit = 20) {
  const items = [];
  let token;
  for (let i = 0; i < limit; i++) {
    const args = Object.assign({}, params, token ? { page_token: token } : {});
    const body = method === "GET" ? await get(path, args) : await post(path, args);
    items.push(...(body[field] || []));
    token = body.next_page_token;
    if (!token) break;
  }
  return items;
}
