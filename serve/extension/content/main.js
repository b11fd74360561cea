// Decides when to check: never before the user opts in (a site listed in the options, or a click on
// "Check this page"). Then sends the article's text in chunks through the service worker, draws the
// answers, and re-checks only the blocks whose text changes afterwards.
"use strict";

const CHUNK_CHARS = 12000; // under the server's 100,000-character limit, and short enough to answer fast
const RECHECK_DEBOUNCE_MS = 800;

let root = null;
let observer = null;
let queue = Promise.resolve(); // checks run one after another, never interleaved
let stopped = false; // after an error, only an explicit check runs again (no retry storm)

/** Scores the given block groups chunk by chunk and draws each answer as it arrives. */
async function checkGroups(groups) {
  const chunks = buildChunks(groups, CHUNK_CHARS);
  if (!chunks.length) return;
  registerHighlights();
  await chrome.runtime.sendMessage({ type: "progress", state: "checking" });
  for (const chunk of chunks) {
    const answer = await chrome.runtime.sendMessage({ type: "score", text: chunk.text });
    if (!answer.ok) {
      stopped = true; // the service worker has put the error on the badge
      if (answer.refused) observer.disconnect();
      return;
    }
    drawChunk(chunk, answer.sentences);
  }
  await chrome.runtime.sendMessage({ type: "progress", state: "done", flagged: marks.length });
}

function enqueue(task) {
  queue = queue.then(task).catch((error) => console.warn("hypecheck:", error));
  return queue;
}

/** A full check of the page (the first one, or a click on "Check this page"). */
function checkPage() {
  stopped = false;
  root = articleRoot();
  if (!observer) {
    observer = new MutationObserver(debounce(recheckChanged, RECHECK_DEBOUNCE_MS));
    listenForTooltips();
  }
  observer.disconnect();
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  return enqueue(() => {
    clearAllMarks();
    return checkGroups(groupByBlock(proseNodes(root), root));
  });
}

/**
 * What the mutations touched, as units to re-check: the blocks with added, removed or edited text,
 * and loose text nodes sitting directly in the root (re-checking the whole root would redo the page).
 */
function changedUnits(mutations) {
  const units = new Set();
  const add = (node) => {
    const block = node.nodeType === Node.ELEMENT_NODE && isBlockElement(node) ? node : blockOf(node, root);
    units.add(block === root ? node : block);
  };
  for (const mutation of mutations) {
    if (mutation.type === "characterData") add(mutation.target);
    for (const node of mutation.addedNodes) {
      if (!node.isConnected || !root.contains(node)) continue;
      if (node.nodeType === Node.TEXT_NODE) add(node);
      else if (node.nodeType === Node.ELEMENT_NODE) proseNodes(node).forEach(add);
    }
    // Text taken out of a block changes that block's sentences; a block taken out of the root just
    // loses its marks (clearMarks drops marks on disconnected text).
    const { target, removedNodes } = mutation;
    if (removedNodes.length && target !== root && target.isConnected) add(target);
  }
  const all = [...units].filter((unit) => unit.isConnected);
  return all.filter((unit) => !all.some((other) => other !== unit && other.contains(unit)));
}

function recheckChanged(mutations) {
  if (stopped) return;
  const units = changedUnits(mutations);
  if (!units.length) return;
  enqueue(() => {
    clearMarks(units);
    const nodes = units.flatMap((unit) => (unit.nodeType === Node.TEXT_NODE ? [unit] : proseNodes(unit)));
    return checkGroups(groupByBlock(nodes, root));
  });
}

/** Collects every mutation record until the page has been quiet for `wait` ms, then hands them over. */
function debounce(handler, wait) {
  let timer = 0;
  let pending = [];
  return (records) => {
    pending.push(...records);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const batch = pending;
      pending = [];
      handler(batch);
    }, wait);
  };
}

chrome.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  if (message.type !== "check") return false;
  checkPage();
  sendResponse({ ok: true });
  return false;
});

chrome.runtime.sendMessage({ type: "hello" }).then((answer) => {
  if (answer && answer.auto) checkPage();
});
