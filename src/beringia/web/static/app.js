// beringia web app: the token, the editor's edits and errors, runs with live progress,
// saving and deleting. Plain JavaScript, no library; every call goes to the app's own /api.
"use strict";

const TOKEN_KEY = "beringia-token";

function token() { return localStorage.getItem(TOKEN_KEY) || ""; }

function say(text, kind) {
  const box = document.getElementById("messages");
  if (!box) return;
  box.textContent = "";
  const p = document.createElement("p");
  p.className = kind + "-box";
  p.textContent = text;
  box.appendChild(p);
}

async function api(method, path, body, isForm) {
  const headers = {};
  const t = token();
  if (t) headers["Authorization"] = "Bearer " + t;
  const init = { method: method, headers: headers };
  if (body !== undefined) {
    if (isForm) { init.body = body; }
    else { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
  }
  const r = await fetch(path, init);
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  return { status: r.status, data: data };
}

function problem(res) {
  if (res.status === 401) return "This needs the token: enter it in the box at the top right.";
  if (res.status === 403) return "Wrong token: check the one printed by `beringia serve`.";
  if (res.status === 413) return "Too large: " + (res.data && res.data.detail);
  const d = res.data && res.data.detail;
  if (typeof d === "string") return d;
  if (Array.isArray(d)) return d.map(function (e) { return e.field + ": " + e.message; }).join("; ");
  return "The server answered " + res.status + ".";
}

// ------------------------------------------------------------------ token
function setupToken() {
  const form = document.getElementById("token-form");
  if (!form) return;
  const input = document.getElementById("token");
  const state = document.getElementById("token-state");
  state.textContent = token() ? "kept" : "";
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    const t = input.value.trim();
    if (t) {
      localStorage.setItem(TOKEN_KEY, t);
      document.cookie = "beringia_token=" + encodeURIComponent(t) + "; path=/; SameSite=Strict";
    } else {
      localStorage.removeItem(TOKEN_KEY);
      document.cookie = "beringia_token=; path=/; max-age=0; SameSite=Strict";
    }
    input.value = "";
    state.textContent = t ? "kept" : "cleared";
  });
}

// ------------------------------------------------------------------ editor
function editValue(el) {
  const kind = el.dataset.kind;
  if (kind === "bool") return el.checked ? "true" : "false";
  if (kind === "number" || kind === "integer" || kind === "list") return el.value.trim();
  return JSON.stringify(el.value);
}

function edits() {
  const out = [];
  document.querySelectorAll("#editor [data-path][data-dirty]").forEach(function (el) {
    out.push(el.dataset.path + "=" + editValue(el));
  });
  return out;
}

function clearErrors() {
  document.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
  document.querySelectorAll(".invalid").forEach(function (e) { e.classList.remove("invalid"); });
}

function openParents(el) {
  for (let d = el.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
}

function showFieldError(field, message) {
  let target = null;
  let path = field;
  while (path && !target) {
    target = document.querySelector('#editor [data-field="' + CSS.escape(path) + '"]')
      || document.querySelector('#editor details[data-path="' + CSS.escape(path) + '"]');
    path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
  }
  if (!target) return false;
  const p = document.createElement("p");
  p.className = "field-error";
  p.setAttribute("role", "alert");
  p.textContent = message;
  if (target.tagName === "DETAILS") target.insertBefore(p, target.children[1] || null);
  else target.appendChild(p);
  target.classList.add("invalid");
  openParents(target);
  target.scrollIntoView({ block: "center" });
  return true;
}

function showErrors(errors) {
  clearErrors();
  errors.forEach(function (e) { showFieldError(e.field, e.message); });
  say(errors.map(function (e) { return e.message; }).join("; "), "error");
}

function launcherBody() {
  const form = document.getElementById("launcher");
  return { scenario: form.dataset.scenario, overrides: edits() };
}

function setupEditor() {
  const form = document.getElementById("launcher");
  if (!form) return;
  const changed = document.getElementById("changed");
  document.getElementById("editor").addEventListener("change", function (ev) {
    const el = ev.target;
    if (!el.dataset || !el.dataset.path) return;
    el.dataset.dirty = "1";
    const n = edits().length;
    changed.textContent = n ? n + " changed" : "no changes";
  });
  document.getElementById("validate").addEventListener("click", async function () {
    say("validating...", "wait");
    const res = await api("POST", "/api/validate", launcherBody());
    if (res.status !== 200) { say(problem(res), "error"); return; }
    if (res.data.ok) { clearErrors(); say(res.data.lines.join(" · "), "ok"); }
    else showErrors(res.data.errors);
  });
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const body = launcherBody();
    body.draws = parseInt(document.getElementById("draws").value, 10);
    body.seed = parseInt(document.getElementById("seed").value, 10);
    const name = document.getElementById("run-name").value.trim();
    if (name) body.name = name;
    say("starting...", "wait");
    const res = await api("POST", "/api/runs", body);
    if (res.status === 202) { window.location = "/runs/" + res.data.run_id; return; }
    if (res.status === 422 && res.data && typeof res.data.detail === "string" && res.data.field) {
      showErrors([{ field: res.data.field, message: res.data.detail }]);
      return;
    }
    say(problem(res), "error");
  });
  document.getElementById("save-scenario").addEventListener("click", async function () {
    const name = document.getElementById("save-name").value.trim();
    if (!name) { say("Give the scenario a name to save it under.", "error"); return; }
    const res = await api("PUT", "/api/scenarios/" + encodeURIComponent(name), launcherBody());
    if (res.status === 200) { say("Saved as " + name + ".", "ok"); return; }
    if (res.status === 422 && res.data && res.data.field && res.data.field !== "name") {
      showErrors([{ field: res.data.field, message: res.data.detail }]);
      return;
    }
    say(problem(res), "error");
  });
}

// ------------------------------------------------------------------ sweep launcher
function setupSweep() {
  const form = document.getElementById("sweep-form");
  if (!form) return;
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const body = launcherBody();
    body.vary = lines("sweep-vary");
    const lhs = number("sweep-lhs");
    if (lhs !== null) body.lhs = lhs;
    body.draws = number("sweep-draws");
    body.seed = number("sweep-seed");
    say("checking every point...", "wait");
    const res = await api("POST", "/api/sweeps", body);
    if (res.status === 202) { window.location = "/sweeps/" + res.data.id; return; }
    const field = res.data && res.data.field;
    if (res.status === 422 && typeof field === "string" && !/^(vary|lhs|draws|seed)\b/.test(field)
        && showFieldError(field, res.data.detail)) {
      say(res.data.detail, "error");
      return;
    }
    say(problem(res), "error");
  });
}

// ------------------------------------------------------------------ sensitivity launcher
function lines(id) {
  return document.getElementById(id).value.split("\n")
    .map(function (v) { return v.trim(); })
    .filter(function (v) { return v !== ""; });
}

function setupSensitivity() {
  const form = document.getElementById("sensitivity-form");
  if (!form) return;
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const body = launcherBody();
    body.method = document.getElementById("sens-method").value;
    body.noise = document.getElementById("sens-noise").value;
    const n = number("sens-samples");
    if (n !== null) body.samples = n;
    const k = number("sens-k");
    if (k !== null) body.replications = k;
    const outputs = document.getElementById("sens-outputs").value.split(",")
      .map(function (v) { return v.trim(); })
      .filter(function (v) { return v !== ""; });
    if (outputs.length) body.outputs = outputs;
    const inputs = lines("sens-inputs");
    if (inputs.length) body.inputs = inputs;
    body.groups = lines("sens-groups");
    body.seed = number("sens-seed");
    say("checking the model and the design...", "wait");
    const res = await api("POST", "/api/sensitivity", body);
    if (res.status === 202) { window.location = "/sensitivity/" + res.data.id; return; }
    const field = res.data && res.data.field;
    if (res.status === 422 && typeof field === "string"
        && !/^(samples|replications|inputs|groups|outputs|draws|seed|method|noise)\b/.test(field)
        && showFieldError(field, res.data.detail)) {
      say(res.data.detail, "error");
      return;
    }
    say(problem(res), "error");
  });
}

// ------------------------------------------------------------------ run page
function showProgress(job) {
  const box = document.getElementById("stages");
  if (!box) return;
  job.progress.forEach(function (p) {
    let row = box.querySelector('[data-stage="' + CSS.escape(p.stage) + '"]');
    if (!row) {
      row = document.createElement("div");
      row.className = "stage";
      row.dataset.stage = p.stage;
      const name = document.createElement("span");
      name.className = "sname";
      name.textContent = p.stage;
      const bar = document.createElement("progress");
      const count = document.createElement("span");
      count.className = "count";
      row.append(name, bar, " ", count);
      box.appendChild(row);
    }
    const bar = row.querySelector("progress");
    bar.max = p.total;
    bar.value = p.done;
    row.querySelector(".count").textContent = p.done + "/" + p.total;
  });
  const status = document.getElementById("status");
  if (status) { status.textContent = job.status; status.className = "status " + job.status; }
}

function setupRun() {
  const live = document.querySelector("[data-live]");
  if (live) {
    const events = live.dataset.events || "/api/jobs/" + live.dataset.live + "/events";
    const source = new EventSource(events);
    source.addEventListener("progress", function (ev) { showProgress(JSON.parse(ev.data)); });
    source.addEventListener("end", function (ev) {
      source.close();
      showProgress(JSON.parse(ev.data));
      window.location.reload();
    });
    const cancel = document.getElementById("cancel");
    cancel.addEventListener("click", async function () {
      const res = await api("POST", live.dataset.cancel || "/api/jobs/" + cancel.dataset.run + "/cancel");
      if (res.status !== 200) say(problem(res), "error");
    });
  }
  const rebuild = document.getElementById("rebuild");
  if (rebuild) {
    rebuild.addEventListener("click", async function () {
      const res = await api("POST", "/api/runs/" + rebuild.dataset.run + "/report");
      if (res.status === 202) window.location = "/runs/" + rebuild.dataset.run;
      else say(problem(res), "error");
    });
  }
  const rename = document.getElementById("rename-form");
  if (rename) {
    rename.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      const body = { note: document.getElementById("note").value };
      const name = document.getElementById("rename").value.trim();
      if (name) body.name = name;
      const res = await api("PATCH", "/api/runs/" + rename.dataset.run, body);
      if (res.status === 200) say("Saved" + (name ? " as " + name : "") + ".", "ok");
      else say(problem(res), "error");
    });
    document.getElementById("delete-run").addEventListener("click", async function () {
      if (!window.confirm("Delete this run and its per-draw data?")) return;
      const res = await api("DELETE", "/api/runs/" + rename.dataset.run);
      if (res.status === 200) window.location = "/runs";
      else say(problem(res), "error");
    });
  }
}

// ------------------------------------------------------------------ library, claims
function setupLibrary() {
  const upload = document.getElementById("upload-form");
  if (upload) {
    upload.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      const data = new FormData();
      data.append("file", upload.elements.file.files[0]);
      const name = upload.elements.name.value.trim();
      const res = await api("POST", "/api/scenarios/" + encodeURIComponent(name) + "/upload", data, true);
      if (res.status === 200) window.location.reload();
      else say(problem(res), "error");
    });
  }
  document.querySelectorAll("[data-delete-scenario]").forEach(function (b) {
    b.addEventListener("click", async function () {
      const res = await api("DELETE", "/api/scenarios/" + encodeURIComponent(b.dataset.deleteScenario));
      if (res.status === 200) window.location.reload();
      else say(problem(res), "error");
    });
  });
}

function number(id) {
  const v = document.getElementById(id).value.trim();
  return v === "" ? null : Number(v);
}

function setupClaims() {
  const form = document.getElementById("claim-form");
  if (!form) return;
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const claim = {
      name: document.getElementById("claim-name").value.trim(),
      max_cost_bn: number("claim-cost"),
      max_duration_years: number("claim-years"),
      scope: document.getElementById("claim-scope").value,
      source: document.getElementById("claim-source").value.trim() || "entered in the web claim checker",
    };
    const body = {
      scenario: document.getElementById("claim-scenario").value,
      draws: number("claim-draws"),
      seed: number("claim-seed"),
      claims: [claim],
    };
    const res = await api("POST", "/api/claims", body);
    if (res.status === 202) window.location = "/runs/" + res.data.run_id;
    else say(problem(res), "error");
  });
}

document.addEventListener("DOMContentLoaded", function () {
  setupToken();
  setupEditor();
  setupSweep();
  setupSensitivity();
  setupRun();
  setupLibrary();
  setupClaims();
});
