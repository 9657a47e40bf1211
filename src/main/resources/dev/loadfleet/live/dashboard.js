// The live dashboard: asks the launcher for new frames at every poll and redraws the table and
// the charts without reloading. Every figure comes from the launcher (/api/frames); nothing is
// computed here but the charts' series. window.dashboard exposes the state for tests.
(function () {
  "use strict";

  const state = { frames: [], seq: 0, pollMs: 2000, runId: "", charts: {}, names: [], hosts: [], failures: 0, ended: false };
  // This page's name for the launcher, which answers "ended" to every open page before it stops.
  const pageId = Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
  window.dashboard = state;

  const $ = (id) => document.getElementById(id);
  const num = (v, digits) => (v === null || v === undefined ? "-" : Number(v).toFixed(digits));
  const int = (v) => (v === null || v === undefined ? "-" : String(Math.round(v)));

  // ---------------------------------------------------------------- the table

  const COLUMNS = [
    ["state", "state"],
    ["active", "active students"],
    ["started", "started / planned"],
    ["ok", "OK (total)"],
    ["ko", "KO (total)"],
    ["koPct", "KO %"],
    ["rps", "requests/s"],
    ["mbps", "upload MB/s"],
  ];
  const HEALTH = [
    ["cpu", "CPU %"],
    ["nic", "NIC %"],
    ["mem", "memory %"],
  ];

  function cell(tr, field, text, value, cls) {
    const td = document.createElement("td");
    td.dataset.field = field;
    if (value !== undefined && value !== null) td.dataset.value = String(value);
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function renderHead() {
    const tr = document.createElement("tr");
    const th = (t) => { const e = document.createElement("th"); e.textContent = t; tr.appendChild(e); };
    th("host");
    COLUMNS.forEach((c) => th(c[1]));
    state.names.forEach((n) => th(n + " p50 / p95 / p99"));
    HEALTH.forEach((c) => th(c[1]));
    th("note");
    const head = $("hosts").tHead;
    head.replaceChildren(tr);
  }

  function figuresRow(name, cls, st, figures, health, note) {
    const tr = document.createElement("tr");
    tr.className = cls;
    tr.dataset.host = name;
    cell(tr, "name", name, undefined, "name");
    cell(tr, "state", st, undefined, "state");
    const f = figures;
    const iv = f ? f.interval : null;
    const tot = f ? f.total : null;
    cell(tr, "active", f ? int(f.usersActive) : "-", f ? f.usersActive : null);
    cell(tr, "started", f ? f.usersStarted + " / " + f.usersPlanned : "-", f ? f.usersStarted : null);
    cell(tr, "ok", tot ? int(tot.requests - tot.ko) : "-", tot ? tot.requests - tot.ko : null);
    cell(tr, "ko", tot ? int(tot.ko) : "-", tot ? tot.ko : null);
    cell(tr, "koPct", iv ? num(iv.koPct, 1) : "-", iv ? iv.koPct : null);
    cell(tr, "rps", iv ? num(iv.requestsPerSec, 1) : "-", iv ? iv.requestsPerSec : null);
    cell(tr, "mbps", iv ? num(iv.uploadMBps, 2) : "-", iv ? iv.uploadMBps : null);
    state.names.forEach((n) => {
      const r = iv && iv.byRequest ? iv.byRequest[n] : null;
      const text = r && r.p50 !== null ? r.p50 + " / " + r.p95 + " / " + r.p99 : "-";
      cell(tr, "p-" + n, text, r ? r.p95 : null);
    });
    const h = health;
    cell(tr, "cpu", h ? num(h.cpuPct, 0) : "-", h ? h.cpuPct : null, h && h.hot ? "hot" : "");
    cell(tr, "nic", h ? num(h.nicPct, 0) : "-", h ? h.nicPct : null);
    cell(tr, "mem", h ? num(h.memUsedPct, 0) : "-", h ? h.memUsedPct : null);
    cell(tr, "note", note || "", undefined, "note");
    return tr;
  }

  function renderTable(f) {
    const body = $("hosts").tBodies[0];
    const rows = [];
    f.hosts.forEach((h) => {
      const cls = (h.lost ? "lost " : "") + h.role;
      const note = h.lost ? h.message : h.healthNote;
      rows.push(figuresRow(h.name, cls, h.state, h.lost ? null : h.figures, h.lost ? null : h.health, note));
    });
    rows.push(figuresRow("fleet", "fleet", "", f.fleet, null, ""));
    body.replaceChildren(...rows);

    const list = $("criteria");
    list.replaceChildren(
      ...f.criteria.map((c) => {
        const li = document.createElement("li");
        li.className = c.fired ? "fired" : "";
        li.dataset.criterion = c.name;
        li.textContent =
          "stop when " + c.name + ": " + (c.value === null ? "no figure yet" : c.value) +
          (c.fired ? " — FIRED" : c.heldSeconds === null ? "" : " — held " + Math.round(c.heldSeconds) + " of " + Math.round(c.windowSeconds) + " s");
        return li;
      })
    );
  }

  function renderHeader(f) {
    $("run").textContent = "run " + state.runId;
    const s = $("status");
    s.textContent = f.status;
    s.className = "status " + f.status;
    s.dataset.seq = String(f.seq);
    const t = Math.round(f.elapsedMs / 1000);
    $("clock").textContent = new Date(f.time).toLocaleTimeString() + "  T" + (t >= 0 ? "+" : "") + t + " s";
    const stop = $("stop");
    stop.hidden = !f.stop;
    stop.textContent = f.stop ? "Stopping early: " + f.stop : "";
    const report = $("report");
    if (f.report && !report.firstChild) {
      const a = document.createElement("a");
      a.href = f.report;
      a.id = "report-link";
      a.textContent = "open the report";
      report.appendChild(a);
    }
  }

  // ---------------------------------------------------------------- the charts

  const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

  function series(labels) {
    return [{}].concat(labels.map((l, i) => ({ label: l, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false })));
  }

  function width() {
    return Math.max(320, Math.min(620, Math.floor((document.body.clientWidth - 60) / 2)));
  }

  /** Each chart: its labels and, per frame, its values (null = unknown, drawn as a gap). */
  function chartDefs() {
    const fleet = (pick) => (f) => [pick(f.fleet)];
    const iv = (fig) => (fig && fig.interval ? fig.interval : null);
    const injectors = state.hosts.filter((h) => h.role === "injector").map((h) => h.name);
    const all = state.hosts.map((h) => h.name);
    const perHost = (names, pick) => (f) =>
      names.map((n) => {
        const h = f.hosts.find((x) => x.name === n);
        return !h || h.lost ? null : pick(h);
      });
    const latencyLabels = [];
    state.names.forEach((n) => ["p50", "p95", "p99"].forEach((p) => latencyLabels.push(n + " " + p)));
    const p95Labels = [];
    injectors.forEach((h) => state.names.forEach((n) => p95Labels.push(h + " " + n)));
    return {
      "chart-users": [["active students"], fleet((x) => x.usersActive)],
      "chart-rps": [["requests/s"], fleet((x) => (iv(x) ? iv(x).requestsPerSec : null))],
      "chart-ko": [["KO %"], fleet((x) => (iv(x) ? iv(x).koPct : null))],
      "chart-latency": [latencyLabels, (f) => {
        const out = [];
        state.names.forEach((n) => ["p50", "p95", "p99"].forEach((p) => {
          const r = iv(f.fleet) && iv(f.fleet).byRequest[n];
          out.push(r ? r[p] : null);
        }));
        return out;
      }],
      "chart-mbps": [["upload MB/s"], fleet((x) => (iv(x) ? iv(x).uploadMBps : null))],
      "chart-host-users": [injectors, perHost(injectors, (h) => (h.figures ? h.figures.usersActive : null))],
      "chart-host-rps": [injectors, perHost(injectors, (h) => (iv(h.figures) ? iv(h.figures).requestsPerSec : null))],
      "chart-host-ko": [injectors, perHost(injectors, (h) => (iv(h.figures) ? iv(h.figures).koPct : null))],
      "chart-host-p95": [p95Labels, (f) => {
        const out = [];
        injectors.forEach((name) => {
          const h = f.hosts.find((x) => x.name === name);
          state.names.forEach((n) => {
            const r = h && !h.lost && iv(h.figures) ? iv(h.figures).byRequest[n] : null;
            out.push(r ? r.p95 : null);
          });
        });
        return out;
      }],
      "chart-host-mbps": [injectors, perHost(injectors, (h) => (iv(h.figures) ? iv(h.figures).uploadMBps : null))],
      "chart-host-cpu": [all, perHost(all, (h) => (h.health ? h.health.cpuPct : null))],
      "chart-host-nic": [all, perHost(all, (h) => (h.health ? h.health.nicPct : null))],
      "chart-host-mem": [all, perHost(all, (h) => (h.health ? h.health.memUsedPct : null))],
    };
  }

  function chartData(def) {
    const [labels, values] = def;
    const data = [state.frames.map((f) => f.time / 1000)];
    labels.forEach(() => data.push([]));
    state.frames.forEach((f) => {
      const v = values(f);
      for (let i = 0; i < labels.length; i++) data[i + 1].push(v[i] === undefined ? null : v[i]);
    });
    return data;
  }

  function buildCharts() {
    Object.values(state.charts).forEach((c) => c.destroy());
    state.charts = {};
    const defs = chartDefs();
    Object.entries(defs).forEach(([id, def]) => {
      const el = $(id);
      el.replaceChildren();
      state.charts[id] = new uPlot(
        { width: width(), height: 200, series: series(def[0]), scales: { x: { time: true } }, legend: { live: false } },
        chartData(def),
        el
      );
    });
  }

  function updateCharts() {
    const defs = chartDefs();
    Object.entries(defs).forEach(([id, def]) => state.charts[id].setData(chartData(def)));
  }

  // ---------------------------------------------------------------- the loop

  function learn(frames) {
    let changed = false;
    frames.forEach((f) => {
      const names = new Set(state.names);
      [f.fleet.total, f.fleet.interval].forEach((w) => w && Object.keys(w.byRequest).forEach((n) => names.add(n)));
      const sorted = Array.from(names).sort();
      if (sorted.join() !== state.names.join()) { state.names = sorted; changed = true; }
      const hosts = f.hosts.map((h) => ({ name: h.name, role: h.role }));
      if (JSON.stringify(hosts) !== JSON.stringify(state.hosts)) { state.hosts = hosts; changed = true; }
    });
    return changed;
  }

  function ended() {
    const gone = $("gone");
    gone.hidden = false;
    gone.textContent = "The launcher has ended; the figures above are its last. The report stays in results/" + state.runId + "/report/.";
  }

  async function poll() {
    try {
      const r = await fetch("/api/frames?since=" + state.seq + "&page=" + pageId, { cache: "no-store" });
      if (!r.ok) throw new Error("HTTP " + r.status);
      const body = await r.json();
      state.failures = 0;
      $("gone").hidden = true;
      state.runId = body.runId;
      state.pollMs = body.pollMs;
      if (body.frames.length > 0) {
        const changed = learn(body.frames);
        state.frames = state.frames.concat(body.frames);
        state.seq = body.frames[body.frames.length - 1].seq;
        const latest = body.frames[body.frames.length - 1];
        if (changed) renderHead();
        renderHeader(latest);
        renderTable(latest);
        if (changed || Object.keys(state.charts).length === 0) buildCharts();
        else updateCharts();
      }
      if (body.ended) {
        state.ended = true;
        ended();
        return;
      }
    } catch (e) {
      // A launcher that died without saying so: say it instead of failing on and on.
      state.failures++;
      if (state.frames.length > 0 && state.failures >= 2) {
        ended();
        return;
      }
    }
    setTimeout(poll, Math.max(500, Math.min(state.pollMs, 5000)));
  }

  poll();
})();
