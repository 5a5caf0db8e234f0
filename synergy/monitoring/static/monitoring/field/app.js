// Synergy field app: the caseload, registrations, visits and corrections of a case worker,
// kept on the device (encrypted, see store.js) and sent when the network is there.
(function () {
  "use strict";
  const body = document.body;
  const API = body.dataset.api;
  const text = document.getElementById("t-text").dataset;
  const Store = window.SynergyStore;
  let session = null; // {user, scope, maxDays, policy, lastSeen}
  let sending = false;

  const $ = (id) => document.getElementById(id);
  const DAY = 24 * 3600 * 1000;

  function newId() {
    return crypto.randomUUID();
  }

  function queueKey() {
    // Keys sort in the order the records were made: the server writes them in that order.
    return String(Date.now()).padStart(15, "0") + "-" + Math.random().toString(16).slice(2, 10);
  }

  function csrf() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : body.dataset.csrf;
  }

  function say(message, kind) {
    const box = $("alert");
    box.textContent = message;
    box.className = "alert alert-" + (kind || "info");
  }

  function online() {
    return navigator.onLine;
  }

  async function api(path, options) {
    const response = await fetch(API + path, {
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      ...options,
    });
    return response;
  }

  async function wipe(message) {
    await Store.wipe();
    session = null;
    if (message) say(message, "warning");
  }

  async function start() {
    if ("serviceWorker" in navigator) {
      // Not awaited: registering checks the network for a newer worker, which offline on a
      // slow line takes seconds; the app starts from its store meanwhile.
      navigator.serviceWorker.register(body.dataset.sw, { scope: location.pathname }).catch(() => {
        // The app still works online without its service worker.
      });
    }
    session = (await Store.getMeta("session")) || null;
    if (session && Date.now() - session.lastSeen > session.maxDays * DAY) {
      await wipe(text.wiped);
    }
    if (online()) {
      const response = await api("session", { method: "GET" });
      if (response.status === 401 || response.status === 403) {
        await wipe(text.signin);
        body.dataset.state = "signed-out";
        return;
      }
      const fresh = await response.json();
      if (session && (session.scope !== fresh.scope || session.user !== fresh.user)) {
        await wipe(text.wiped);
      }
      await Store.setKey(fresh.key);
      session = {
        user: fresh.user,
        scope: fresh.scope,
        maxDays: fresh.max_days,
        policy: fresh.policy,
        providers: fresh.providers,
        services: fresh.services,
        lastSeen: Date.now(),
      };
      await Store.setMeta("session", session);
      await refreshCaseload();
    } else if (!session) {
      say(text.signin, "warning");
      body.dataset.state = "signed-out";
      return;
    }
    await render();
    body.dataset.state = "ready";
  }

  async function refreshCaseload() {
    const response = await api("caseload", { method: "GET" });
    if (!response.ok) return;
    const children = await response.json();
    // One sealed box for the whole caseload: one decryption at start, however many children.
    await Store.setSealed("caseload", children);
  }

  function ageOn(child, day) {
    if (child.date_of_birth) {
      const born = new Date(child.date_of_birth);
      const on = new Date(day);
      let years = on.getFullYear() - born.getFullYear();
      if (on.getMonth() < born.getMonth() ||
          (on.getMonth() === born.getMonth() && on.getDate() < born.getDate())) years -= 1;
      return years;
    }
    return child.age === "" || child.age === undefined ? null : Number(child.age);
  }

  async function openQueue() {
    // [{key, record, error}] in the order they were made.
    const items = await Store.all("queue");
    return items.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async function enqueue(record) {
    const key = queueKey();
    await Store.put("queue", key, { key: key, record: record, error: null });
  }

  function label(record) {
    const names = { household: text.household, child: text.child, visit: text.visit, referral: text.referral,
      child_update: text.correction, conflict_choice: text.correction };
    return names[record.kind] || record.kind;
  }

  async function render() {
    $("net").textContent = online() ? text.online : text.offline;
    const items = await openQueue();
    $("pending").textContent = String(items.length);
    const list = $("queue");
    list.replaceChildren(...items.map((item) => {
      const li = document.createElement("li");
      const who = item.record.data && item.record.data.first_name ? " · " + item.record.data.first_name : "";
      li.textContent = label(item.record) + who + (item.error ? " — " + text.error + ": " + item.error : "");
      return li;
    }));
    const caseload = (await Store.getSealed("caseload")) || [];
    const fresh = items
      .filter((item) => item.record.kind === "child")
      .map((item) => ({ id: "", client: item.record.client_id, ...item.record.data, pending: true }));
    const rows = [...caseload, ...fresh];
    $("caseload").replaceChildren(...rows.map((child) => caseRow(child)));
    const conflicts = (await Store.getMeta("conflicts")) || [];
    $("conflicts").classList.toggle("d-none", conflicts.length === 0);
    $("conflict-list").replaceChildren(...conflicts.map(conflictCard));
  }

  function caseRow(child) {
    const li = document.createElement("li");
    li.className = "list-group-item d-flex flex-wrap align-items-center gap-2";
    li.dataset.child = child.id || child.client;
    const name = document.createElement("span");
    name.className = "me-auto";
    name.textContent = `${child.first_name} ${child.last_name || ""}`.trim();
    const meta = document.createElement("small");
    const today = new Date().toISOString().slice(0, 10);
    const overdue = !child.pending && child.next_followup_on && child.next_followup_on < today;
    meta.className = overdue ? "text-danger fw-semibold" : "text-muted";
    meta.textContent = child.pending ? text.pendingNew
      : (child.next_followup_on ? `${text.due} ${child.next_followup_on}` : child.number || "");
    if (overdue) li.dataset.overdue = "1";
    const visit = document.createElement("button");
    visit.type = "button";
    visit.className = "btn btn-sm btn-outline-primary";
    visit.textContent = text.visit;
    visit.addEventListener("click", () => openVisit(child));
    const refer = document.createElement("button");
    refer.type = "button";
    refer.className = "btn btn-sm btn-outline-primary";
    refer.textContent = text.refer;
    refer.addEventListener("click", () => openRefer(child));
    li.append(name, meta, visit, refer);
    if (!child.pending) {
      const edit = document.createElement("button");
      edit.type = "button";
      edit.className = "btn btn-sm btn-outline-secondary";
      edit.textContent = text.edit;
      edit.addEventListener("click", () => openEdit(child));
      li.append(edit);
    }
    return li;
  }

  function openVisit(child) {
    $("visit-section").classList.remove("d-none");
    $("visit-child").textContent = `${child.first_name} ${child.last_name || ""}`.trim();
    $("visit").dataset.child = JSON.stringify(child);
    $("visit_date").value = new Date().toISOString().slice(0, 10);
    $("visit-label").textContent = "";
    $("econ_hours").focus();
  }

  function options(select, items, value, label) {
    select.replaceChildren(...items.map((item) => {
      const option = document.createElement("option");
      option.value = String(item[value]);
      option.textContent = item[label];
      return option;
    }));
  }

  function openRefer(child) {
    $("refer-section").classList.remove("d-none");
    $("refer-child").textContent = `${child.first_name} ${child.last_name || ""}`.trim();
    $("refer").dataset.child = JSON.stringify(child);
    options($("to_organisation"), session.providers || [], "id", "name");
    options($("service_type"), session.services || [], "value", "label");
  }

  async function draftReferral(event) {
    event.preventDefault();
    const form = event.target;
    const child = JSON.parse(form.dataset.child);
    const record = {
      client_id: newId(),
      kind: "referral",
      data: {
        to_organisation: Number(value(form, "to_organisation")),
        service_type: value(form, "service_type"),
        notes: value(form, "notes"),
        consent_given: value(form, "consent_given"),
        consent_by: "parent",
        referred_on: new Date().toISOString().slice(0, 10),
      },
    };
    if (child.id) record.child = child.id;
    else record.child_client = child.client;
    await enqueue(record);
    form.reset();
    $("refer-section").classList.add("d-none");
    await render();
    if (online()) await send();
  }

  function openEdit(child) {
    $("edit-section").classList.remove("d-none");
    $("edit-child").textContent = `${child.first_name} ${child.last_name || ""}`.trim();
    $("edit").dataset.child = JSON.stringify(child);
    $("edit_first_name").value = child.first_name;
    $("edit_last_name").value = child.last_name || "";
  }

  function conflictCard(conflict) {
    const card = document.createElement("div");
    card.className = "card mb-2 conflict";
    const mine = conflict.record.data;
    const server = conflict.server;
    const rows = Object.keys(mine).map((field) =>
      `<tr><th scope="row">${field}</th><td class="mine"></td><td class="theirs"></td></tr>`).join("");
    card.innerHTML = `<div class="card-body"><table class="table table-sm mb-2"><thead><tr><th></th>
      <th scope="col">${text.yours}</th><th scope="col">${text.server}</th></tr></thead><tbody>${rows}</tbody></table>
      <button type="button" class="btn btn-sm btn-primary keep-mine"></button>
      <button type="button" class="btn btn-sm btn-outline-secondary keep-theirs"></button></div>`;
    Object.keys(mine).forEach((field, i) => {
      card.querySelectorAll("td.mine")[i].textContent = mine[field];
      card.querySelectorAll("td.theirs")[i].textContent = server[field] ?? "";
    });
    card.querySelector(".keep-mine").textContent = text.mine;
    card.querySelector(".keep-theirs").textContent = text.theirs;
    card.querySelector(".keep-mine").addEventListener("click", () => settle(conflict, "mine"));
    card.querySelector(".keep-theirs").addEventListener("click", () => settle(conflict, "theirs"));
    return card;
  }

  async function settle(conflict, choice) {
    const conflicts = ((await Store.getMeta("conflicts")) || []).filter((c) => c.id !== conflict.id);
    await Store.setMeta("conflicts", conflicts);
    if (choice === "mine") {
      await enqueue({ ...conflict.record, client_id: newId(), version: conflict.server.version, resolve: "mine" });
    } else {
      await enqueue({ client_id: newId(), kind: "conflict_choice", child: conflict.server.id, data: {} });
    }
    await render();
    if (online()) await send();
  }

  async function send() {
    if (sending || !online()) return;
    sending = true;
    try {
      const items = await openQueue();
      if (!items.length) return;
      const response = await api("sync", {
        method: "POST",
        body: JSON.stringify({ records: items.map((item) => item.record) }),
      });
      if (response.status === 401 || response.status === 403) {
        await wipe(text.signin);
        return;
      }
      if (!response.ok) {
        say(text.error, "danger");
        return;
      }
      const outcomes = await response.json();
      const conflicts = (await Store.getMeta("conflicts")) || [];
      for (let i = 0; i < outcomes.length; i += 1) {
        const outcome = outcomes[i];
        const item = items[i];
        if (outcome.status === "error") {
          item.error = Object.entries(outcome.errors).map(([k, v]) => `${k}: ${v.join(" ")}`).join("; ");
          await Store.put("queue", item.key, item);
          continue;
        }
        if (outcome.status === "conflict") {
          conflicts.push({ id: newId(), record: item.record, server: outcome.server });
        }
        await Store.remove("queue", item.key);
      }
      await Store.setMeta("conflicts", conflicts);
      session.lastSeen = Date.now();
      await Store.setMeta("session", session);
      await refreshCaseload();
      say(text.sent, "success");
    } finally {
      sending = false;
      await render();
    }
  }

  function value(form, name) {
    const field = form.elements.namedItem(name);
    if (!field) return "";
    if (field.type === "checkbox") return field.checked;
    return field.value.trim();
  }

  function number(form, name) {
    const raw = value(form, name);
    return raw === "" ? "" : Number(raw);
  }

  async function register(event) {
    event.preventDefault();
    const form = event.target;
    const household = newId();
    await enqueue({
      client_id: household,
      kind: "household",
      data: { head_name: value(form, "head_name"), consent_given: value(form, "consent_given"), consent_by: "head" },
    });
    await enqueue({
      client_id: newId(),
      kind: "child",
      household_client: household,
      data: {
        first_name: value(form, "first_name"),
        last_name: value(form, "last_name"),
        sex: value(form, "sex"),
        date_of_birth: value(form, "date_of_birth"),
        age: number(form, "age") === "" ? "" : Math.trunc(number(form, "age")),
        registered_on: new Date().toISOString().slice(0, 10),
      },
    });
    form.reset();
    await render();
    if (online()) await send();
  }

  async function recordVisit(event) {
    event.preventDefault();
    const form = event.target;
    const child = JSON.parse(form.dataset.child);
    const data = {
      visit_date: value(form, "visit_date"),
      econ_hours: number(form, "econ_hours"),
      chore_hours: number(form, "chore_hours"),
      hazardous_conditions: value(form, "hazardous_conditions"),
      night_work: value(form, "night_work"),
      attendance_percent: number(form, "attendance_percent"),
    };
    const record = { client_id: newId(), kind: "visit", data: data };
    if (child.id) record.child = child.id;
    else record.child_client = child.client;
    const result = window.SynergyClassify.classify(
      { ...data, age: ageOn(child, data.visit_date) },
      session.policy,
      session.policy.framework
    );
    await enqueue(record);
    $("visit-label").textContent = `${text.deviceLabel}: ${result.label}`;
    $("visit-label").dataset.label = result.label;
    form.reset();
    $("visit_date").value = data.visit_date;
    await render();
    if (online()) await send();
  }

  async function correct(event) {
    event.preventDefault();
    const form = event.target;
    const child = JSON.parse(form.dataset.child);
    await enqueue({
      client_id: newId(),
      kind: "child_update",
      child: child.id,
      version: child.version,
      data: { first_name: value(form, "first_name"), last_name: value(form, "last_name") },
    });
    $("edit-section").classList.add("d-none");
    await render();
    if (online()) await send();
  }

  async function signOut() {
    await Store.wipe();
    const form = document.createElement("form");
    form.method = "post";
    form.action = body.dataset.logout;
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = csrf();
    form.append(token);
    document.body.append(form);
    form.submit();
  }

  $("register").addEventListener("submit", register);
  $("visit").addEventListener("submit", recordVisit);
  $("edit").addEventListener("submit", correct);
  $("refer").addEventListener("submit", draftReferral);
  $("send").addEventListener("click", () => send());
  $("signout").addEventListener("click", () => signOut());
  window.addEventListener("online", () => { render(); send(); });
  window.addEventListener("offline", () => render());
  start().catch((error) => {
    body.dataset.state = "failed";
    say(String(error), "danger");
  });
})();
