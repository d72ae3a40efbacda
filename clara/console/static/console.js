// Clara's web console: sign in, talk to Clara with her tool calls shown live, today's jobs, and (for dispatchers
// and admins) documents and usage charts. Plain DOM, no framework; every text from the server goes in through
// textContent, never innerHTML. The token is kept in memory and sessionStorage, never in a URL: the WebSocket
// carries it in its `bearer` subprotocol.

const TOKEN_KEY = "clara.console.token";
const $ = (selector) => document.querySelector(selector);
const state = { token: null, user: null, socket: null, turn: null, pendingTools: [], expiry: null };
const EXPIRED = "Your session expired; please sign in again.";

class ApiFailure extends Error {
  constructor(status, error) {
    super(error?.message || `request failed (${status})`);
    this.status = status;
    this.code = error?.code;
    this.field = error?.field;
  }
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function claims(token) {
  const part = token.split(".")[1] || "";
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(json);
}

// -- auth ---------------------------------------------------------------------------------------------------------

async function api(path, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(path, { ...options, headers });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && state.token) signOut(`Signed out: ${body?.error?.message || "your session ended"}.`);
    throw new ApiFailure(response.status, body?.error);
  }
  return body;
}

async function signIn(event) {
  event.preventDefault();
  const error = $("#signin-error");
  error.hidden = true;
  $("#signin-button").disabled = true;
  try {
    const body = await api("/auth/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: $("#email").value, password: $("#password").value }),
    });
    start(body.access_token);
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
  } finally {
    $("#signin-button").disabled = false;
    $("#password").value = "";
  }
}

function signOut(reason) {
  clearTimeout(state.expiry);
  state.token = null;
  state.user = null;
  sessionStorage.removeItem(TOKEN_KEY);
  if (state.socket) {
    state.socket.onclose = null;
    state.socket.close();
    state.socket = null;
  }
  $("#app").hidden = true;
  $("#signin").hidden = false;
  const error = $("#signin-error");
  error.textContent = reason || "";
  error.hidden = !reason;
}

function start(token) {
  const payload = claims(token);
  if (payload.exp * 1000 <= Date.now()) {
    signOut(EXPIRED);
    return;
  }
  // Back to sign-in when the token runs out, even on a page left open with nothing to ask the server.
  clearTimeout(state.expiry);
  state.expiry = setTimeout(() => signOut(EXPIRED), payload.exp * 1000 - Date.now());
  state.token = token;
  state.user = { id: Number(payload.sub), role: payload.role, email: payload.email };
  state.staff = payload.role === "dispatcher" || payload.role === "admin";
  sessionStorage.setItem(TOKEN_KEY, token);
  $("#who").textContent = `${payload.email || "user " + payload.sub} · ${payload.role}`;
  for (const button of document.querySelectorAll("[data-staff]")) button.hidden = !state.staff;
  $("#signin").hidden = true;
  $("#app").hidden = false;
  showTab("chat");
  connect();
  loadJobs();
}

// -- tabs -----------------------------------------------------------------------------------------------------------

function showTab(name) {
  for (const button of document.querySelectorAll("#tabs button")) {
    button.classList.toggle("active", button.dataset.tab === name);
  }
  for (const tab of document.querySelectorAll(".tab")) tab.hidden = tab.id !== `tab-${name}`;
  if (name === "jobs") loadJobs();
  if (name === "documents") loadDocuments().catch(failed("#documents-error"));
  if (name === "usage") loadUsage().catch(failed("#usage-error"));
}

// -- chat -----------------------------------------------------------------------------------------------------------

function open() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${scheme}://${location.host}/voice/ws/${state.user.id}`, ["bearer", state.token]);
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error("socket refused"));
  });
}

async function connect(attempt = 0) {
  const status = $("#chat-status");
  status.textContent = "Connecting…";
  let socket;
  try {
    socket = await open();
  } catch {
    // A refused handshake does not say why: ask the API, which signs out with its reason when the token is dead.
    const alive = await api(`/voice/status/${state.user.id}`).then(() => true, (failure) => failure.status !== 401);
    if (!alive || !state.token) return;
    const wait = Math.min(1000 * 2 ** attempt, 30000);
    status.textContent = `Could not connect to Clara; retrying in ${Math.round(wait / 1000)} s.`;
    setTimeout(() => state.token && connect(attempt + 1), wait);
    return;
  }
  state.socket = socket;
  status.textContent = "Connected.";
  socket.onmessage = (message) => onFrame(JSON.parse(message.data));
  socket.onclose = (event) => {
    state.socket = null;
    if (!state.token) return;
    if (event.code === 1008 || event.code === 4401) {
      signOut(`Signed out: ${event.reason || "your session ended"}.`);
      return;
    }
    status.textContent = "Reconnecting…";
    setTimeout(() => state.token && connect(), 1000);
  };
}

function bubble(kind, text) {
  const node = el("div", { class: `msg ${kind}` }, el("span", { class: "text", text }));
  $("#transcript").append(node);
  node.scrollIntoView({ block: "end" });
  return node;
}

function send(event) {
  event.preventDefault();
  const input = $("#message");
  const text = input.value.trim();
  if (!text || !state.socket) return;
  bubble("user", text);
  state.turn = { node: bubble("clara", ""), text: "" };
  state.turn.node.classList.add("streaming");
  state.socket.send(JSON.stringify({ type: "message", text }));
  input.value = "";
}

function onFrame(frame) {
  const turn = state.turn;
  if (frame.type === "tool_call") {
    const item = el("li", { class: "tool" },
      el("strong", { text: frame.name }), " ", el("span", { class: "pending", text: "running…" }),
      el("code", { text: JSON.stringify(frame.arguments, null, 1) }));
    $("#tool-log").prepend(item);
    state.pendingTools.push({ name: frame.name, item, started: performance.now() });
  } else if (frame.type === "tool_result") {
    const index = state.pendingTools.findIndex((call) => call.name === frame.name);
    if (index >= 0) {
      const [call] = state.pendingTools.splice(index, 1);
      const ms = Math.round(frame.duration_ms ?? performance.now() - call.started);  // the server's timing
      const label = call.item.querySelector("span");
      label.className = frame.ok ? "ok" : "fail";
      label.textContent = `${frame.ok ? "ok" : "failed"} · ${ms} ms`;
      call.item.dataset.status = frame.ok ? "ok" : "failed";
    }
    if (frame.citations?.length && turn) cite(turn, frame.citations);
  } else if (frame.type === "delta" && turn) {
    turn.text += frame.text;
    turn.node.querySelector(".text").textContent = turn.text;
  } else if (frame.type === "done" && turn) {
    turn.node.querySelector(".text").textContent = frame.text;
    turn.node.classList.remove("streaming");
    turn.node.dataset.turnId = frame.turn_id;
    state.turn = null;
  } else if (frame.type === "error") {
    const node = turn ? turn.node : bubble("clara", "");
    node.classList.add("error");
    node.querySelector(".text").textContent = frame.message;
    state.turn = null;
  } else if (frame.type === "job_updated") {
    loadJobs();
  }
}

function cite(turn, hits) {
  // The passages Clara read the answer from, as the tool_result frame lists them.
  const list = el("ol", { class: "sources" });
  for (const hit of hits) list.append(el("li", {}, citation(hit)));
  turn.node.append(el("details", { open: "" }, el("summary", { text: "Sources" }), list));
}

function where(hit) {
  return [hit.section, hit.page ? `p. ${hit.page}` : null].filter(Boolean).join(", ");
}

function citation(hit) {
  // A link to the passage itself (its id in the fragment, no token): it opens the passage with the answer marked.
  const link = el("a", { href: `#passage-${hit.id}`, class: "passage-link", onclick: (event) => {
    event.preventDefault();
    showPassage(hit);
  } }, el("strong", { text: hit.title }), where(hit) ? ` — ${where(hit)}` : "");
  return el("span", {}, link, hit.answer ? el("div", {}, el("mark", { text: hit.answer })) : null);
}

function showPassage(hit) {
  const dialog = $("#passage");
  dialog.dataset.passageId = String(hit.id);
  $("#passage-title").textContent = hit.title;
  $("#passage-where").textContent = [where(hit), hit.source].filter(Boolean).join(" · ");
  $("#passage-text").replaceChildren(highlighted(hit.text, hit.answer, Infinity));
  if (!dialog.open) dialog.showModal();
}

// -- jobs -----------------------------------------------------------------------------------------------------------

const minutes = (seconds) => `${Math.round(seconds / 60)} min`;
const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function dayView(day) {
  const title = `${day.technician.name} · ${day.jobs.length} open jobs · ${minutes(day.total_travel_seconds)} driving`;
  const head = el("tr", {}, ...["Start", "Site", "Type", "Status", "Travel"].map((h) => el("th", { text: h })));
  const rows = day.jobs.map((job) => el("tr", {},
    el("td", { text: clock(job.scheduled_start) }),
    el("td", {}, el("strong", { text: job.site?.name || "" }),
      el("div", { class: "muted", text: job.site?.address || "" })),
    el("td", { text: job.type || "" }),
    el("td", { text: job.status }),
    el("td", { class: "travel", text: job.travel_seconds == null ? "—"
      : `${minutes(job.travel_seconds)} (${job.travel_source})` })));
  return el("section", { class: "day", "data-technician": String(day.technician.id) }, el("h3", { text: title }),
    rows.length ? el("table", { class: "jobs" }, el("thead", {}, head), el("tbody", {}, ...rows))
      : el("p", { class: "muted", text: "Nothing left today." }));
}

async function loadJobs() {
  // Each technician's day (the caller's own, or everyone's for the office) in driving order, each job with the
  // drive from the stop before.
  const error = $("#jobs-error");
  try {
    const body = await api("/console/api/jobs");
    error.hidden = true;
    $("#days").replaceChildren(...body.days.map(dayView));
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
  }
}

// -- documents ------------------------------------------------------------------------------------------------------

function failed(selector) {
  // An API refusal shown where it happened, in the API's own words.
  return (failure) => {
    const node = $(selector);
    node.textContent = failure.message;
    node.hidden = false;
  };
}

async function loadDocuments() {
  const body = await api("/clara-server/knowledge/documents?limit=100");
  $("#documents-error").hidden = true;
  const rows = body.documents.map((doc) => el("tr", {},
    el("td", { text: doc.title }), el("td", { text: doc.source }),
    el("td", { text: doc.status === "ready" ? String(doc.chunks) : doc.status }),
    el("td", { text: new Date(doc.created_at).toLocaleDateString() }),
    el("td", {}, doc.shipped ? null : el("button", { text: "Delete", onclick: () => removeDocument(doc) }))));
  $("#documents tbody").replaceChildren(...rows);
}

async function removeDocument(doc) {
  if (!confirm(`Delete “${doc.title}”?`)) return;
  await api(`/clara-server/knowledge/documents/${doc.document_id}`, { method: "DELETE" })
    .then(loadDocuments).catch(failed("#documents-error"));
}

function upload(file) {
  const progress = el("progress", { max: "100", value: "0" });
  const message = el("span", { class: "muted", text: " uploading…" });
  const item = el("li", { class: "upload" }, el("strong", { text: file.name }), " ", progress, message);
  $("#uploads").prepend(item);
  const form = new FormData();
  form.append("file", file);
  const request = new XMLHttpRequest();
  request.open("POST", "/clara-server/knowledge/documents");
  request.setRequestHeader("Authorization", `Bearer ${state.token}`);
  request.setRequestHeader("Accept", "application/json");
  request.upload.onprogress = (event) => {
    if (event.lengthComputable) progress.value = (100 * event.loaded) / event.total;
  };
  request.onload = () => {
    let body = null;
    try { body = JSON.parse(request.responseText); } catch { /* not JSON: reported below by status */ }
    if (request.status === 401) {
      signOut(`Signed out: ${body?.error?.message || "your session ended"}.`);
    } else if (request.status >= 200 && request.status < 300) {
      progress.value = 100;
      settled(item, message, body);
      loadDocuments().catch(failed("#documents-error"));
    } else {
      item.dataset.status = "refused";
      message.className = "fail";
      message.textContent = ` ${body?.error?.message || `refused (${request.status})`}`;
    }
  };
  request.onerror = () => { message.className = "fail"; message.textContent = " upload failed: network error"; };
  request.send(form);
}

function settled(item, message, doc) {
  // A big upload answers 202 and is indexed in the background: show its status until it is ready or failed.
  item.dataset.status = doc.status === "ready" ? "stored" : doc.status;
  message.className = { ready: "ok", processing: "muted", failed: "fail" }[doc.status] || "muted";
  message.textContent = {
    ready: ` stored (${doc.chunks} passages)`,
    processing: " processing… (indexing in the background)",
    failed: ` could not be indexed: ${doc.error || "unknown error"}`,
  }[doc.status] || ` ${doc.status}`;
  if (doc.status === "processing") setTimeout(() => poll(item, message, doc.document_id), 1000);
}

async function poll(item, message, id) {
  if (!state.token || !item.isConnected) return;
  try {
    const doc = await api(`/clara-server/knowledge/documents/${id}`);
    settled(item, message, doc);
    if (doc.status !== "processing") loadDocuments().catch(failed("#documents-error"));
  } catch (failure) {
    item.dataset.status = "failed";
    message.className = "fail";
    message.textContent = ` ${failure.message}`;
  }
}

async function search(event) {
  event.preventDefault();
  const query = $("#search-query").value.trim();
  if (!query) return;
  const list = $("#search-results");
  try {
    const body = await api(`/clara-server/knowledge/search?${new URLSearchParams({ query, k: "5" })}`);
    list.replaceChildren(...body.results.map((hit) => el("li", { class: "hit" }, citation(hit),
      el("div", {}, highlighted(hit.text, hit.answer)))));
    if (!body.results.length) list.replaceChildren(el("li", { class: "muted", text: "No passages found." }));
  } catch (failure) {
    list.replaceChildren(el("li", { class: "error", text: failure.message }));
  }
}

function highlighted(text, answer, around = 200) {
  // The passage with its answer span marked, cut to `around` characters either side of it.
  const span = el("span");
  const at = answer ? text.indexOf(answer) : -1;
  if (at < 0) {
    if (answer) span.append(el("mark", { text: answer }), el("br"));
    span.append(text.length > 2 * around ? `${text.slice(0, 2 * around)}…` : text);
    return span;
  }
  const end = at + answer.length;
  span.append(text.slice(Math.max(0, at - around), at), el("mark", { text: answer }), text.slice(end, end + around));
  return span;
}

// -- usage charts ---------------------------------------------------------------------------------------------------

const DAY = 86400;
const DAY_SCALE = { x: { time: true, range: (u, min, max) => [min - DAY / 2, max + DAY / 2] } };
const USD_AXIS = {
  scale: "usd", side: 1, size: 70, values: (u, splits) => splits.map((v) => (v == null ? "" : `$${+v.toPrecision(2)}`)),
};
const charts = {};

function fitCharts() {
  // A chart is drawn at its box's width; when the window changes (a phone turned), follow the new width.
  for (const [id, plot] of Object.entries(charts)) {
    const width = document.getElementById(id).clientWidth;
    if (width) plot.setSize({ width: Math.max(240, width), height: 220 });
  }
}

function days(count) {
  const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
  return Array.from({ length: count }, (_, i) => today - (count - 1 - i) * DAY);
}

function chart(id, options, data) {
  const target = document.getElementById(id);
  charts[id]?.destroy();
  target.replaceChildren();
  target.dataset.points = String(data.slice(1).flat().filter((v) => v != null && v !== 0).length);
  const width = Math.max(240, target.clientWidth || 400);
  charts[id] = new uPlot({ width, height: 220, ...options }, data, target);
}

function categorical(names, series, scales = {}) {
  const bars = uPlot.paths.bars({ size: [0.5, 60] });
  return {
    scales: { x: { time: false, range: [-0.5, Math.max(names.length - 0.5, 0.5)] }, ...scales },
    axes: [{ values: (u, splits) => splits.map((i) => names[i] ?? ""), space: 20 }, {},
      ...(scales.usd ? [USD_AXIS] : [])],
    series: [{},
      ...series.map((s, i) => ({ paths: i === 0 ? bars : () => null, points: { show: true, size: 8 }, ...s }))],
  };
}

async function loadUsage() {
  $("#usage-error").hidden = true;
  const dayStarts = days(7);
  const iso = (seconds) => new Date(seconds * 1000).toISOString();
  const since = iso(dayStarts[0]);
  const [daily, week, tokensByDay, tokensByUser, cache] = await Promise.all([
    Promise.all(dayStarts.map((start) => api(
      `/clara-server/analytics/summary?${new URLSearchParams({ since: iso(start), until: iso(start + DAY) })}`))),
    api(`/clara-server/analytics/summary?${new URLSearchParams({ since })}`),
    api(`/clara-server/analytics/usage?${new URLSearchParams({ since, group_by: "day" })}`),
    api(`/clara-server/analytics/usage?${new URLSearchParams({ since, group_by: "user" })}`),
    api("/clara-server/cache/stats"),
  ]);
  const totals = tokensByDay.totals;
  $("#usage-totals").textContent = `Last 7 days: ${totals.turns} LLM turns, ${totals.input_tokens} input and ` +
    `${totals.output_tokens} output tokens, ${totals.audio_seconds} s of audio, $${totals.cost_usd.toFixed(6)} ` +
    `(prices as of ${tokensByDay.prices_as_of}).`;

  const turns = daily.map((s) => s.events.assistant_reply || 0);
  const calls = daily.map((s) => s.tools.reduce((sum, tool) => sum + tool.calls, 0));
  chart("chart-activity", {
    scales: DAY_SCALE,
    series: [{},
      { label: "turns", stroke: "#c2410c", fill: "rgba(194,65,12,.25)", paths: uPlot.paths.bars({ size: [0.4, 40] }) },
      { label: "tool calls", stroke: "#1d4ed8", points: { show: true } }],
  }, [dayStarts, turns, calls]);

  const tools = week.tools;
  const names = tools.map((t) => t.name);
  const index = tools.map((_, i) => i);
  chart("chart-latency", categorical(names, [
    { label: "p50 s", stroke: "#15803d", fill: "rgba(21,128,61,.3)" }, { label: "p95 s", stroke: "#b45309" }]),
  [index, tools.map((t) => t.p50_seconds), tools.map((t) => t.p95_seconds)]);
  chart("chart-failures", categorical(names, [{ label: "failure rate", stroke: "#b91c1c", fill: "rgba(185,28,28,.3)" }],
    { y: { range: [0, 1] } }), [index, tools.map((t) => 1 - t.success_rate)]);

  const layers = Object.entries(cache.layers);
  const rate = (layer) => (layer.hits + layer.misses ? layer.hits / (layer.hits + layer.misses) : 0);
  chart("chart-cache", categorical([...layers.map(([name]) => name), "overall"],
    [{ label: "hit rate", stroke: "#0f766e", fill: "rgba(15,118,110,.3)" }], { y: { range: [0, 1] } }),
  [[...layers.keys(), layers.length], [...layers.map(([, layer]) => rate(layer)), cache.hit_rate]]);

  const byDay = new Map(tokensByDay.rows.map((row) => [row.key, row]));
  const keys = dayStarts.map((s) => iso(s).slice(0, 10));
  chart("chart-tokens", {
    scales: { ...DAY_SCALE, usd: {} },
    axes: [{}, {}, USD_AXIS],
    series: [{},
      { label: "input tokens", stroke: "#1d4ed8", fill: "rgba(29,78,216,.2)",
        paths: uPlot.paths.bars({ size: [0.4, 40] }) },
      { label: "output tokens", stroke: "#7c3aed", points: { show: true } },
      { label: "cost $", stroke: "#c2410c", scale: "usd", points: { show: true } }],
  }, [dayStarts, keys.map((k) => byDay.get(k)?.input_tokens ?? 0), keys.map((k) => byDay.get(k)?.output_tokens ?? 0),
    keys.map((k) => byDay.get(k)?.cost_usd ?? 0)]);

  const people = tokensByUser.rows;
  chart("chart-users", categorical(people.map((p) => p.label || `user ${p.key}`), [
    { label: "tokens", stroke: "#1d4ed8", fill: "rgba(29,78,216,.25)" },
    { label: "cost $", stroke: "#c2410c", scale: "usd" }], { usd: {} }),
  [people.map((_, i) => i), people.map((p) => p.input_tokens + p.output_tokens), people.map((p) => p.cost_usd)]);
}

// -- wiring ---------------------------------------------------------------------------------------------------------

function wire() {
  $("#signin-form").addEventListener("submit", signIn);
  $("#signout").addEventListener("click", async () => {
    await api("/auth/logout", { method: "POST" }).catch(() => null);
    signOut("");
  });
  $("#tabs").addEventListener("click", (event) => { if (event.target.dataset.tab) showTab(event.target.dataset.tab); });
  $("#chat-form").addEventListener("submit", send);
  $("#search-form").addEventListener("submit", search);
  $("#passage-close").addEventListener("click", () => $("#passage").close());
  let resizing;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(fitCharts, 150);
  });
  $("#file").addEventListener("change", (event) => {
    for (const file of event.target.files) upload(file);
    event.target.value = "";
  });
  const zone = $("#dropzone");
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    for (const file of event.dataTransfer.files) upload(file);
  });
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) start(saved);
}

wire();
