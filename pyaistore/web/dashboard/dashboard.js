// The pyaistore dashboard: polls the proxy's /dashboard/api/state and draws nodes, jobs and ETLs.
// Plain browser JavaScript, no build step and nothing loaded from elsewhere.
// Throughput is computed here: the difference of two polls' byte counters over the time between them.
// Behind authentication the token is the dashboard's cookie (set by the login page, sent by the browser).
"use strict";

(function () {
  const STATE_URL = "/dashboard/api/state";
  const PAGE_URL = "/dashboard";
  const params = new URLSearchParams(window.location.search);
  const intervalMs = Math.max(500, Number(params.get("interval") || 2000));
  let previous = null; // the last state, for rates

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children || []) node.appendChild(child);
    return node;
  }

  function bytes(value) {
    if (value === null || value === undefined || isNaN(value)) return "-";
    const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let n = Number(value);
    let unit = 0;
    while (Math.abs(n) >= 1024 && unit < units.length - 1) {
      n /= 1024;
      unit += 1;
    }
    return (unit === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 2 : 1)) + " " + units[unit];
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || isNaN(seconds)) return "-";
    const s = Math.max(0, Math.floor(seconds));
    if (s < 60) return s + "s";
    if (s < 3600) return Math.floor(s / 60) + "m " + (s % 60) + "s";
    return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
  }

  function rate(now, before, key, seconds) {
    if (!before || seconds <= 0) return null;
    const delta = (now.counters[key] || 0) - (before.counters[key] || 0);
    return delta >= 0 ? delta / seconds : null;
  }

  function nodeRates(node, before, seconds) {
    const requests = ["get_count", "put_count", "del_count", "lst_count"]
      .map((key) => rate(node, before, key, seconds))
      .filter((value) => value !== null);
    return {
      get: rate(node, before, "get_bytes", seconds),
      put: rate(node, before, "put_bytes", seconds),
      requests: requests.length ? requests.reduce((a, b) => a + b, 0) : null,
      cpu: rate(node, before, "proc_cpu_ns_total", seconds),
    };
  }

  function perSecond(value, format) {
    return value === null ? "-" : format(value) + "/s";
  }

  function drawNode(node, rates) {
    const gauges = node.gauges || {};
    const figures = [
      ["GET", perSecond(rates.get, bytes)],
      ["PUT", perSecond(rates.put, bytes)],
      ["requests", perSecond(rates.requests, (v) => v.toFixed(1))],
      ["CPU", rates.cpu === null ? "-" : (rates.cpu / 1e7).toFixed(1) + " %"],
      ["memory", bytes(gauges.proc_rss_bytes)],
      ["host memory free", bytes(gauges.sys_mem_avail_bytes) + " of " + bytes(gauges.sys_mem_total_bytes)],
      ["uptime", duration(gauges.uptime)],
    ];
    const list = el("dl", { className: "figures" });
    for (const [name, value] of figures) {
      list.appendChild(el("dt", { text: name }));
      list.appendChild(el("dd", { text: value }));
    }
    const state = node.reachable ? node.state : "unreachable";
    const card = el(
      "article",
      {
        className: "node",
        "data-node-id": node.id,
        "data-role": node.role,
        "data-state": node.state,
        "data-reachable": String(node.reachable),
      },
      [
        el("div", { className: "node-head" }, [
          el("span", {}, [
            el("span", { className: "role", text: node.role + (node.primary ? " · primary" : "") + " " }),
            el("span", { className: "node-id", text: node.id }),
          ]),
          el("span", { className: "state" }, [el("span", { className: "state-dot" }), el("span", { text: state })]),
        ]),
        list,
      ],
    );
    if (node.error) card.appendChild(el("div", { className: "muted", text: node.error }));
    for (const mp of node.mountpaths || []) {
      const used = mp.capacity ? (100 * mp.used) / mp.capacity : 0;
      card.appendChild(
        el("div", { className: "mountpath", "data-mountpath": mp.path }, [
          el("div", {}, [
            el("span", { className: "path", text: mp.path }),
            el("span", { className: "muted", text: "  " + bytes(mp.used) + " used of " + bytes(mp.capacity) + ", " + bytes(mp.available) + " free" }),
          ]),
          el("div", { className: "meter" }, [el("div", { style: "width: " + used.toFixed(1) + "%" })]),
        ]),
      );
    }
    return card;
  }

  function drawJob(job, nowMs) {
    const state = job.running ? "running" : job.aborted ? "aborted" : "finished";
    const endMs = job.running ? nowMs : job.end_ns / 1e6;
    const seconds = Math.max(0.001, (endMs - job.start_ns / 1e6) / 1000);
    const row = el("tr", { "data-job-id": job.id, "data-job-kind": job.kind, "data-running": String(job.running), "data-state": state }, [
      el("td", { text: job.kind }),
      el("td", { className: "mono", text: job.id }),
      el("td", { text: job.buckets || "-" }),
      el("td", { className: "job-state", text: state + (job.error ? ": " + job.error : "") }),
      el("td", {}, [el("div", { className: "job-bar" }, [el("div")])]),
      el("td", { text: String(job.objects) }),
      el("td", { text: bytes(job.bytes) }),
      el("td", { text: (job.objects / seconds).toFixed(1) + " obj/s, " + bytes(job.bytes / seconds) + "/s" }),
      el("td", { text: duration(seconds) }),
    ]);
    return row;
  }

  function draw(state) {
    const seconds = previous ? (state.time_ms - previous.time_ms) / 1000 : 0;
    const before = {};
    for (const node of previous ? previous.nodes : []) before[node.id] = node;
    document.getElementById("uuid").textContent = state.uuid || "-";
    document.getElementById("smap-version").textContent = "v" + state.smap_version;
    const nodes = document.getElementById("nodes");
    nodes.replaceChildren();
    const totals = { get: null, put: null, requests: null };
    for (const node of state.nodes) {
      const rates = nodeRates(node, before[node.id], seconds);
      nodes.appendChild(drawNode(node, rates));
      if (node.role === "target") {
        for (const key of ["get", "put"]) if (rates[key] !== null) totals[key] = (totals[key] || 0) + rates[key];
      } else if (rates.requests !== null) {
        totals.requests = (totals.requests || 0) + rates.requests; // proxies see every request once
      }
    }
    document.getElementById("total-get").textContent = perSecond(totals.get, bytes);
    document.getElementById("total-put").textContent = perSecond(totals.put, bytes);
    document.getElementById("total-requests").textContent = perSecond(totals.requests, (v) => v.toFixed(1));
    const jobs = document.querySelector("#jobs tbody");
    jobs.replaceChildren(...state.jobs.map((job) => drawJob(job, state.time_ms)));
    document.getElementById("no-jobs").hidden = state.jobs.length > 0;
    const etls = document.querySelector("#etls tbody");
    etls.replaceChildren(
      ...state.etls.map((etl) =>
        el("tr", { "data-etl": etl.name, "data-stage": etl.stage }, [
          el("td", { className: "mono", text: etl.name }),
          el("td", { text: etl.stage }),
          el("td", { text: etl.runtime || "-" }),
        ]),
      ),
    );
    document.getElementById("no-etls").hidden = state.etls.length > 0;
    document.getElementById("updated").textContent = "updated " + new Date(state.time_ms).toLocaleTimeString();
    document.body.setAttribute("data-polls", String(Number(document.body.getAttribute("data-polls") || 0) + 1));
    previous = state;
  }

  function showProblem(text) {
    const box = document.getElementById("problem");
    box.textContent = text;
    box.hidden = !text;
  }

  async function poll() {
    try {
      const reply = await fetch(STATE_URL, { cache: "no-store" });
      if (reply.status === 401 || reply.status === 403) {
        // The token expired or was revoked: the page itself answers with the login form.
        window.location.assign(PAGE_URL);
        return;
      }
      if (!reply.ok) {
        showProblem("the proxy answered " + reply.status + ": " + (await reply.text()).slice(0, 300));
        return;
      }
      showProblem("");
      draw(await reply.json());
    } catch (error) {
      showProblem("cannot reach the proxy: " + error.message);
    } finally {
      setTimeout(poll, intervalMs);
    }
  }

  poll();
})();
