// The options page: server address, API key, threshold and the sites the user allows.
"use strict";

const $ = (id) => document.getElementById(id);

function setStatus(message, isError = false) {
  $("status").textContent = message;
  $("status").className = isError ? "error" : "";
}

async function show() {
  const settings = await loadSettings();
  $("api-url").value = settings.apiUrl;
  $("api-key").value = settings.apiKey;
  $("threshold").value = settings.threshold === null ? "" : String(settings.threshold);
  $("sites").value = settings.sites.join("\n");
}

/** The form as settings, or an Error naming the first field that is wrong. */
function read() {
  const apiUrl = $("api-url").value.trim().replace(/\/+$/, "");
  if (!originOf(apiUrl)) return new Error("The server address must start with http:// or https://.");
  const rawThreshold = $("threshold").value.trim();
  const threshold = rawThreshold === "" ? null : Number(rawThreshold);
  if (threshold !== null && !(threshold >= 0 && threshold <= 1)) {
    return new Error("The threshold must be between 0 and 1.");
  }
  const lines = $("sites").value.split("\n").map((line) => line.trim()).filter(Boolean);
  const bad = lines.find((line) => !originOf(line));
  if (bad) return new Error(`Not a site address: ${bad} (write it like https://news.example.org).`);
  const sites = [...new Set(lines.map(originOf))];
  return { apiUrl, apiKey: $("api-key").value.trim(), threshold, sites };
}

async function save(event) {
  event.preventDefault();
  const settings = read();
  if (settings instanceof Error) {
    setStatus(settings.message, true);
    return;
  }
  // Servers other than this machine need a host permission, asked for while the click still counts.
  const origins = [`${originOf(settings.apiUrl)}/*`];
  if (!(await chrome.permissions.contains({ origins })) && !(await chrome.permissions.request({ origins }))) {
    setStatus(`Not saved: the extension needs permission to reach ${settings.apiUrl}.`, true);
    return;
  }
  await chrome.storage.local.set(settings);
  $("sites").value = settings.sites.join("\n");
  setStatus("Saved.");
}

async function testConnection() {
  const apiUrl = $("api-url").value.trim();
  if (!originOf(apiUrl)) {
    setStatus("The server address must start with http:// or https://.", true);
    return;
  }
  setStatus("Asking the server…");
  const apiKey = $("api-key").value.trim();
  const answer = await chrome.runtime.sendMessage({ type: "ping", apiUrl, apiKey });
  if (answer.ok) setStatus(`Connected: ${answer.model}.`);
  else setStatus(`Not connected: ${answer.error}`, true);
}

$("options").addEventListener("submit", save);
$("test").addEventListener("click", testConnection);
show();
