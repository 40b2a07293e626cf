// Polls the admin API and redraws the page: one row per server with sparklines of its recent rates, and the servers
// that used the most over the last minute (the noisy-neighbour question). No framework, no build step.
"use strict";

const REFRESH_MS = 2000;
const ROWS = 50;
const SPARK_WIDTH = 120;
const SPARK_HEIGHT = 24;

function last(values) {
  return values.length ? values[values.length - 1] : 0;
}

function recent(values, count) {
  const slice = values.slice(-count);
  return slice.length ? slice.reduce((a, b) => a + b, 0) / slice.length : 0;
}

function format(value) {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function sparkline(values, color) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("width", SPARK_WIDTH);
  svg.setAttribute("height", SPARK_HEIGHT);
  if (values.length < 2) {
    return svg;
  }
  const max = Math.max(...values, 1e-9);
  const step = SPARK_WIDTH / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(SPARK_HEIGHT - 1 - (v / max) * (SPARK_HEIGHT - 2)).toFixed(1)}`);
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", points.join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", color);
  line.setAttribute("stroke-width", "1.5");
  svg.appendChild(line);
  return svg;
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  row.appendChild(td);
  return td;
}

function rateCell(row, values, color, className) {
  const td = cell(row, format(last(values)), "num " + className);
  td.appendChild(sparkline(values, color));
}

function renderServers(list) {
  const body = document.getElementById("servers");
  body.replaceChildren();
  if (!list.servers.length) {
    const row = document.createElement("tr");
    cell(row, "No servers.", "empty").colSpan = 11;
    body.appendChild(row);
    return;
  }
  for (const s of list.servers) {
    const row = document.createElement("tr");
    row.dataset.server = s.name;
    cell(row, s.name, "name");
    cell(row, s.state, "state state-" + s.state);
    rateCell(row, s.history.requestsPerSecond, "var(--req)", "req-rate");
    rateCell(row, s.history.cpuMsPerSecond, "var(--cpu)", "cpu-rate");
    rateCell(row, s.history.dbMsPerSecond, "var(--db)", "db-rate");
    cell(row, String(s.backgroundProcesses), "num bg");
    cell(row, String(s.inFlight), "num in-flight");
    cell(row, String(s.requests), "num requests");
    cell(row, String(s.serverErrors), "num errors");
    cell(row, format(s.cpuMs), "num cpu-total");
    cell(row, format(s.dbMs), "num db-total");
    body.appendChild(row);
  }
}

function renderTop(list) {
  const perMinute = Math.max(1, Math.round(60 / list.sampleIntervalSeconds));
  const ranked = list.servers
    .map(s => ({
      name: s.name,
      cpu: recent(s.history.cpuMsPerSecond, perMinute),
      db: recent(s.history.dbMsPerSecond, perMinute),
      requests: recent(s.history.requestsPerSecond, perMinute),
    }))
    .sort((a, b) => (b.cpu + b.db) - (a.cpu + a.db) || b.requests - a.requests)
    .slice(0, 5);
  const top = document.getElementById("top");
  top.replaceChildren();
  const most = Math.max(...ranked.map(r => r.cpu + r.db), 1e-9);
  for (const r of ranked) {
    const item = document.createElement("li");
    item.dataset.server = r.name;
    const bar = document.createElement("span");
    bar.className = "share";
    bar.style.width = `${Math.round(((r.cpu + r.db) / most) * 80)}px`;
    item.appendChild(bar);
    item.appendChild(document.createTextNode(
      `${r.name}: ${format(r.cpu)} CPU ms/s, ${format(r.db)} DB ms/s, ${format(r.requests)} requests/s`));
    top.appendChild(item);
  }
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    // The busiest page only: with thousands of servers the page never pulls every server's history.
    const response = await fetch(`servers?sort=busiest&limit=${ROWS}`, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    const list = await response.json();
    renderServers(list);
    renderTop(list);
    const shown = list.total > list.servers.length ? ` (the ${list.servers.length} busiest shown)` : "";
    status.textContent = `${list.total} servers${shown} · CPU tracking ${list.cpuTracking ? "on" : "off"} · ` +
      `sampled every ${list.sampleIntervalSeconds} s · updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.loaded = "true";
  } catch (error) {
    status.textContent = `Could not load the servers: ${error.message}`;
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
