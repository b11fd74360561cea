// The extension's only network client. It scores text for content scripts on pages the user allowed
// (a listed site, or a tab where they clicked "Check this page") and reports progress and errors on
// the toolbar badge, so a stopped server is a clear message rather than a silent failure.
"use strict";

importScripts("settings.js");

const FETCH_TIMEOUT_MS = 60000;
const BADGE = {
  checking: { text: "…", color: "#5f6368" },
  error: { text: "!", color: "#b3261e" },
};

class RefusedError extends Error {}

/** Tabs the user clicked "Check this page" in; a grant ends when the tab loads another page. */
async function grantedTabs() {
  const { grantedTabs = [] } = await chrome.storage.session.get("grantedTabs");
  return grantedTabs;
}

let grantWrites = Promise.resolve(); // one read-modify-write at a time, so no grant or revocation is lost

function setGrant(tabId, granted) {
  grantWrites = grantWrites.then(async () => {
    const tabs = (await grantedTabs()).filter((id) => id !== tabId);
    await chrome.storage.session.set({ grantedTabs: granted ? [...tabs, tabId] : tabs });
  });
  return grantWrites;
}

async function mayScore(sender) {
  if (!sender.tab || sender.frameId !== 0) return false;
  const { sites } = await loadSettings();
  return sites.includes(originOf(sender.url)) || (await grantedTabs()).includes(sender.tab.id);
}

/** Badge, title and the popup's status line for one tab. */
async function report(tabId, state, message, flagged = 0) {
  const badge = BADGE[state] || { text: String(flagged), color: flagged ? "#b3261e" : "#1e6b34" };
  await chrome.action.setBadgeText({ tabId, text: badge.text });
  await chrome.action.setBadgeBackgroundColor({ tabId, color: badge.color });
  await chrome.action.setTitle({ tabId, title: `hypecheck: ${message}` });
  await chrome.storage.session.set({ [`tab:${tabId}`]: { state, message, flagged } });
}

/** A call to the hypecheck server; `server` ({apiUrl, apiKey}) overrides the saved one. */
async function callApi(path, init = {}, server = null) {
  const settings = server || (await loadSettings());
  const base = settings.apiUrl.replace(/\/+$/, "");
  const headers = { "content-type": "application/json" };
  if (settings.apiKey) headers["x-api-key"] = settings.apiKey;
  let response;
  try {
    response = await fetch(base + path, { ...init, headers, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    const timedOut = error.name === "TimeoutError";
    const why = timedOut ? `did not answer within ${FETCH_TIMEOUT_MS / 1000} s` : "cannot be reached";
    throw new Error(`the server at ${base} ${why}. Is “hypecheck serve” running there?`);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null; // not JSON: reported just below
  }
  if (!response.ok) {
    const detail = body && body.error ? body.error.message : `HTTP ${response.status}`;
    const hint = response.status === 401 ? " Set the API key in the extension's options." : "";
    throw new Error(`the server at ${base} refused the request: ${detail}.${hint}`);
  }
  if (body === null) throw new Error(`${base} did not answer like a hypecheck server.`);
  return body;
}

async function score(text) {
  const { threshold } = await loadSettings();
  const options = { triggers: true, suggestions: true };
  if (threshold !== null) options.overclaim_threshold = threshold;
  const body = await callApi("/v1/score", { method: "POST", body: JSON.stringify({ text, options }) });
  if (!Array.isArray(body.sentences)) throw new Error("the server's answer has no sentences.");
  return body.sentences;
}

async function checkTab(tabId) {
  await setGrant(tabId, true);
  try {
    await chrome.tabs.sendMessage(tabId, { type: "check" }, { frameId: 0 });
  } catch {
    const why = "a browser page, or one opened before the extension (reload it)";
    throw new Error(`this page cannot be checked: ${why}.`);
  }
}

async function ping(server) {
  const model = await callApi("/v1/model", {}, server);
  return `${model.name} ${model.version} (${model.kind})`;
}

/** The popup and the options page; page content scripts may not start checks or probe servers. */
function fromExtensionPage(sender) {
  return sender.id === chrome.runtime.id && (sender.url || "").startsWith(chrome.runtime.getURL(""));
}

/** One place that answers every message; each answer is {ok: true, ...} or {ok: false, error}. */
async function handle(message, sender) {
  if (["check-tab", "ping"].includes(message.type) && !fromExtensionPage(sender)) {
    throw new RefusedError(`${message.type} is only for the extension's own pages`);
  }
  switch (message.type) {
    case "hello": {
      const { sites } = await loadSettings();
      return { ok: true, auto: sender.frameId === 0 && sites.includes(originOf(sender.url)) };
    }
    case "score": {
      if (!(await mayScore(sender))) throw new RefusedError("this site is not allowed");
      try {
        return { ok: true, sentences: await score(message.text) };
      } catch (error) {
        await report(sender.tab.id, "error", error.message);
        throw error;
      }
    }
    case "progress": {
      const tabId = sender.tab.id;
      if (message.state === "checking") return report(tabId, "checking", "checking this page…");
      const noun = message.flagged === 1 ? "sentence" : "sentences";
      return report(tabId, "done", `${message.flagged} ${noun} may overclaim.`, message.flagged);
    }
    case "check-tab":
      return checkTab(message.tabId);
    case "ping":
      return { ok: true, model: await ping({ apiUrl: message.apiUrl, apiKey: message.apiKey }) };
    default:
      throw new Error(`unknown message ${message.type}`);
  }
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  handle(message, sender)
    .then((answer) => sendResponse(answer || { ok: true }))
    .catch((error) =>
      sendResponse({ ok: false, refused: error instanceof RefusedError, error: error.message }),
    );
  return true; // the answer comes asynchronously
});

chrome.tabs.onUpdated.addListener((tabId, change) => {
  if (change.status === "loading") {
    setGrant(tabId, false);
    chrome.storage.session.remove(`tab:${tabId}`);
  }
});

chrome.tabs.onRemoved.addListener((tabId) => {
  setGrant(tabId, false);
  chrome.storage.session.remove(`tab:${tabId}`);
});
