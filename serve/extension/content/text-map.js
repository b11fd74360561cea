// Which text on the page is readable prose, grouped by block, and how an offset into the text sent for
// scoring maps back to a DOM position. Page text is only ever read (node.data), never written.
"use strict";

const SKIPPED_TAGS = new Set([
  "script", "style", "noscript", "template", "textarea", "input", "select", "option", "button",
  "code", "pre", "kbd", "samp", "svg", "math", "canvas", "iframe", "nav", "hypecheck-tooltip",
]);
const BLOCK_SEPARATOR = "\n\n"; // blocks never run together, so a heading ends its own sentence

/** The part of the page to check: <main>, else a lone <article>, else the whole body. */
function articleRoot() {
  const articles = document.querySelectorAll("article");
  return document.querySelector("main") || (articles.length === 1 ? articles[0] : document.body);
}

/** Whether a walk takes an element (a <br>), skips past it to its children, or leaves it out whole. */
function elementFilter(element) {
  if (SKIPPED_TAGS.has(element.localName) || element.isContentEditable) return NodeFilter.FILTER_REJECT;
  if (element.localName === "br") return NodeFilter.FILTER_ACCEPT;
  if (!element.checkVisibility({ checkOpacity: true, visibilityProperty: true })) {
    // display: contents has no box of its own, but its children may well be shown
    const contents = getComputedStyle(element).display === "contents";
    return contents ? NodeFilter.FILTER_SKIP : NodeFilter.FILTER_REJECT;
  }
  return NodeFilter.FILTER_SKIP;
}

/** Rendered text nodes (and <br> line breaks) under the element root, in document order. */
function proseNodes(root) {
  for (let element = root; element; element = element.parentElement) {
    if (elementFilter(element) === NodeFilter.FILTER_REJECT) return []; // hidden, or not prose
  }
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.nodeType === Node.TEXT_NODE ? NodeFilter.FILTER_ACCEPT : elementFilter(node)),
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

/** The nearest ancestor laid out as a block, up to root: sentences never cross it. */
function blockOf(node, root, isBlock = isBlockElement) {
  for (let element = node.parentElement; element && element !== root; element = element.parentElement) {
    if (isBlock(element)) return element;
  }
  return root;
}

function isBlockElement(element) {
  const display = getComputedStyle(element).display;
  return !display.startsWith("inline") && display !== "contents";
}

/** Consecutive prose nodes grouped by block; groups with nothing but whitespace are dropped. */
function groupByBlock(nodes, root) {
  const seen = new Map(); // one style lookup per element and pass
  const isBlock = (element) => {
    if (!seen.has(element)) seen.set(element, isBlockElement(element));
    return seen.get(element);
  };
  const groups = [];
  for (const node of nodes) {
    const block = blockOf(node, root, isBlock);
    const last = groups[groups.length - 1];
    if (last && last.block === block) last.nodes.push(node);
    else groups.push({ block, nodes: [node] });
  }
  return groups.filter((group) => group.nodes.some((node) => node.data && node.data.trim()));
}

/**
 * Packs block groups into chunks of at most maxChars characters (a block moves whole to the next chunk
 * when it does not fit; only a block longer than maxChars is cut). Each piece records where a stretch
 * of the chunk's text lives:
 *   chunk.text.slice(start, end) === node.data.slice(nodeStart, nodeStart + end - start).
 */
function buildChunks(groups, maxChars) {
  const chunks = [];
  let chunk = null;
  const open = () => {
    chunk = { text: "", pieces: [] };
    chunks.push(chunk);
  };
  for (const group of groups) {
    const length = group.nodes.reduce((sum, node) => sum + (node.data ? node.data.length : 1), 0);
    if (!chunk || (chunk.text && chunk.text.length + BLOCK_SEPARATOR.length + length > maxChars)) open();
    else if (chunk.text) chunk.text += BLOCK_SEPARATOR;
    for (const node of group.nodes) {
      if (!node.data) {
        if (chunk.text.length >= maxChars) open();
        chunk.text += "\n"; // a <br>
        continue;
      }
      for (let from = 0; from < node.data.length; ) {
        if (chunk.text.length >= maxChars) open();
        const take = Math.min(node.data.length - from, maxChars - chunk.text.length);
        const start = chunk.text.length;
        chunk.pieces.push({ node, nodeStart: from, start, end: start + take });
        chunk.text += node.data.slice(from, from + take);
        from += take;
      }
    }
  }
  return chunks.filter((c) => c.text.trim());
}

/** False once the page changed the text a piece was read from (the observer re-checks it then). */
function pieceIntact(chunk, piece) {
  const { node, nodeStart, start, end } = piece;
  if (!node.isConnected) return false;
  return node.data.slice(nodeStart, nodeStart + end - start) === chunk.text.slice(start, end);
}

/** Index of the first piece whose end is past offset (atEnd: at or past it). */
function pieceIndex(pieces, offset, atEnd) {
  let low = 0;
  let high = pieces.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    const end = pieces[middle].end;
    if (atEnd ? end < offset : end <= offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A live DOM Range for chunk.text.slice(start, end) (offsets in UTF-16 code units), or null when the
 * text under it has changed since it was read.
 */
function rangeFor(chunk, start, end) {
  const { pieces } = chunk;
  const first = pieceIndex(pieces, start, false);
  let last = Math.min(pieceIndex(pieces, end, true), pieces.length - 1);
  if (last >= 0 && end <= pieces[last].start) last -= 1; // the end falls in a separator
  if (first >= pieces.length || last < first) return null;
  for (let i = first; i <= last; i += 1) if (!pieceIntact(chunk, pieces[i])) return null;
  const head = pieces[first];
  const tail = pieces[last];
  const range = new Range();
  range.setStart(head.node, head.nodeStart + Math.max(0, start - head.start));
  range.setEnd(tail.node, tail.nodeStart + Math.min(end, tail.end) - tail.start);
  return range.collapsed ? null : range;
}

/**
 * The server counts characters in code points, JavaScript strings in UTF-16 units; the two differ
 * only around astral characters (emoji, some scripts). Returns a converter from the first to the second.
 */
function codePointsToUnits(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (offset) => offset;
  const units = [0];
  for (const character of text) units.push(units[units.length - 1] + character.length);
  return (offset) => units[Math.min(offset, units.length - 1)];
}
