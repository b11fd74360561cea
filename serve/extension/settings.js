// Settings shared by the service worker, the options page and the popup. They live in
// chrome.storage.local, never sync storage: the API key and the allowed sites stay on this machine.
"use strict";

const DEFAULT_SETTINGS = Object.freeze({
  apiUrl: "http://127.0.0.1:8000",
  apiKey: "",
  threshold: null, // null: the model's own calibrated threshold
  sites: [], // origins checked as soon as a page opens; any other page only after a click
});

async function loadSettings() {
  const stored = await chrome.storage.local.get(Object.keys(DEFAULT_SETTINGS));
  return { ...DEFAULT_SETTINGS, ...stored };
}

/** The origin of an http(s) URL, or null: the unit a user allows (and the only one they may). */
function originOf(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : null;
  } catch {
    return null;
  }
}
