// The toolbar popup: check the current page once, or allow its site for good.
"use strict";

const $ = (id) => document.getElementById(id);

async function currentTab() {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab;
}

async function showStatus(tabId) {
  const key = `tab:${tabId}`;
  const { [key]: status } = await chrome.storage.session.get(key);
  if (status) {
    $("status").textContent = status.message;
    $("status").className = status.state === "error" ? "error" : "";
  }
}

async function check(tabId) {
  $("status").textContent = "Checking…";
  const answer = await chrome.runtime.sendMessage({ type: "check-tab", tabId });
  if (!answer.ok) {
    $("status").textContent = answer.error;
    $("status").className = "error";
  }
}

async function setAlways(origin, allowed, tabId) {
  const { sites } = await loadSettings();
  const others = sites.filter((site) => site !== origin);
  await chrome.storage.local.set({ sites: allowed ? [...others, origin] : others });
  if (allowed) await check(tabId);
}

async function main() {
  const tab = await currentTab();
  const origin = tab && originOf(tab.url || "");
  if (!origin) {
    $("status").textContent = "Only web pages (http and https) can be checked.";
    $("check").disabled = $("always").disabled = true;
    return;
  }
  $("site").textContent = origin;
  $("always").checked = (await loadSettings()).sites.includes(origin);
  $("check").addEventListener("click", () => check(tab.id));
  $("always").addEventListener("change", (event) => setAlways(origin, event.target.checked, tab.id));
  await showStatus(tab.id);
  chrome.storage.session.onChanged.addListener(() => showStatus(tab.id));
}

main();
