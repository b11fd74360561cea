// The tooltip for a flagged sentence: verdict, probability, reasons, the words that drove the score and
// a suggested rewrite. It lives in its own shadow root and is filled only through textContent, so page
// text shown in it (trigger words, a rewrite built from the sentence) can never become markup.
"use strict";

const TOOLTIP_STYLE = `
:host { all: initial; position: fixed; z-index: 2147483647; max-width: 26rem; }
:host([hidden]) { display: none; }
.box { font: 14px/1.4 system-ui, sans-serif; color: #1b1b1b; background: #fffdf5; border: 1px solid #b3261e;
  border-radius: 6px; padding: 0.6rem 0.8rem; box-shadow: 0 4px 16px rgba(0, 0, 0, 0.25); }
.verdict { font-weight: 700; color: #8c1d18; margin: 0 0 0.3rem; }
h2 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: #444;
  margin: 0.5rem 0 0.1rem; }
ul { margin: 0; padding-left: 1.1rem; }
p { margin: 0; }
.rewrite { font-style: italic; }
`;

let tooltip = null; // { host, box } once created
let pinned = false;

function tooltipParts() {
  if (tooltip) return tooltip;
  const host = document.createElement("hypecheck-tooltip");
  const shadow = host.attachShadow({ mode: "open" });
  const sheet = new CSSStyleSheet(); // a constructed sheet: no inline <style> for the page's CSP to block
  sheet.replaceSync(TOOLTIP_STYLE);
  shadow.adoptedStyleSheets = [sheet];
  const box = document.createElement("div");
  box.className = "box";
  box.setAttribute("role", "tooltip");
  shadow.append(box);
  host.hidden = true;
  document.documentElement.append(host); // outside <body>, so the page's observers of it stay quiet
  tooltip = { host, box };
  return tooltip;
}

function textElement(tag, text, className = "") {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function list(items) {
  const ul = document.createElement("ul");
  ul.append(...items.map((item) => textElement("li", item)));
  return ul;
}

/** Fills the tooltip for one scored sentence and places it next to the point (x, y). */
function showTooltip(mark, x, y, pin) {
  const { host, box } = tooltipParts();
  const { sentence } = mark;
  const reasons = Object.entries(sentence.reasons).map(
    ([name, p]) => `${name.replaceAll("_", " ")} (${p.toFixed(2)})`,
  );
  const suggestion = sentence.suggestion || { advice: [], rewrite: null };
  const parts = [
    textElement("p", `${sentence.verdict}, probability ${sentence.p_overclaim.toFixed(2)}`, "verdict"),
    textElement("h2", "Reasons"),
    list(reasons.length ? reasons : ["none given"]),
  ];
  if (sentence.triggers.length) {
    const words = sentence.triggers.map((trigger) => trigger.text).join(", ");
    parts.push(textElement("h2", "Driven by"), textElement("p", words));
  }
  if (suggestion.rewrite) {
    parts.push(textElement("h2", "Suggested rewrite"), textElement("p", suggestion.rewrite, "rewrite"));
  }
  if (suggestion.advice.length) parts.push(textElement("h2", "Advice"), list(suggestion.advice));
  box.replaceChildren(...parts);
  host.hidden = false;
  const width = host.offsetWidth;
  const height = host.offsetHeight;
  host.style.left = `${Math.max(4, Math.min(x + 12, innerWidth - width - 4))}px`;
  host.style.top = `${y + 16 + height < innerHeight ? y + 16 : Math.max(4, y - height - 12)}px`;
  pinned = pin;
  setActive(mark);
}

function hideTooltip() {
  if (tooltip) tooltip.host.hidden = true;
  pinned = false;
  setActive(null);
}

/** Hover shows a sentence's tooltip, a click pins it, a click elsewhere or Escape closes it. */
function listenForTooltips() {
  let frame = 0;
  document.addEventListener("mousemove", (event) => {
    if (pinned || (tooltip && event.composedPath().includes(tooltip.host))) return;
    const { clientX: x, clientY: y } = event;
    cancelAnimationFrame(frame); // look up only the latest position, once per frame
    frame = requestAnimationFrame(() => {
      const mark = markAt(x, y);
      if (mark) showTooltip(mark, x, y, false);
      else hideTooltip();
    });
  });
  document.addEventListener("click", (event) => {
    if (tooltip && event.composedPath().includes(tooltip.host)) return;
    const mark = markAt(event.clientX, event.clientY);
    if (mark) showTooltip(mark, event.clientX, event.clientY, true);
    else hideTooltip();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hideTooltip();
  });
  addEventListener("scroll", hideTooltip, { passive: true });
}
