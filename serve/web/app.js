// The editors' page: paste or drop a draft, score it with /v1/score, show every sentence.
// User text only ever reaches the page through textContent and text nodes, never as markup.
"use strict";

const $ = (id) => document.getElementById(id);
const draft = $("draft");
let report = null;      // the last /v1/score response
let scoredText = "";    // the exact text that was scored (offsets point into it)
let selected = null;    // index of the sentence shown in the detail panel

function setStatus(message) { $("status").textContent = message; }

function element(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== null) node.textContent = text;
  return node;
}

function htmlToText(html) {
  // DOMParser builds an inert document: scripts do not run and nothing is fetched.
  const doc = new DOMParser().parseFromString(html, "text/html");
  doc.querySelectorAll("script, style, noscript, template").forEach((n) => n.remove());
  doc.querySelectorAll("p, div, li, h1, h2, h3, h4, h5, h6, br, tr, section, article, blockquote")
    .forEach((n) => n.append("\n"));
  return (doc.body ? doc.body.textContent : "").replace(/\n{3,}/g, "\n\n").trim();
}

async function check() {
  const text = draft.value;
  if (!text.trim()) { setStatus("The draft is empty."); return; }
  setStatus("Checking…");
  $("check").disabled = true;
  try {
    const response = await fetch("/v1/score", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text, options: { triggers: true, suggestions: true, offsets: "utf16" } }),
    });
    const body = await response.json();
    if (!response.ok) { setStatus(`Not checked: ${body.error ? body.error.message : response.status}`); return; }
    report = body;
    scoredText = text;
    render();
    const flagged = body.sentences.filter((s) => s.verdict === "overclaim").length;
    setStatus(`${body.sentences.length} sentences, ${flagged} possible overclaim${flagged === 1 ? "" : "s"}.`);
  } catch (error) {
    setStatus(`Not checked: ${error.message}`);
  } finally {
    $("check").disabled = false;
  }
}

function render() {
  const target = $("rendered");
  target.replaceChildren();
  let cursor = 0;
  report.sentences.forEach((sentence, index) => {
    if (sentence.start > cursor) target.append(document.createTextNode(scoredText.slice(cursor, sentence.start)));
    const mark = element("mark", {
      class: `sentence ${sentence.verdict}`, role: "button", tabindex: "0", "aria-pressed": "false",
      "data-index": String(index),
      "aria-label": `${sentence.verdict}, ${Math.round(sentence.p_overclaim * 100)} percent: ${sentence.text}`,
      title: `${sentence.verdict} (${sentence.p_overclaim.toFixed(2)})${Object.keys(sentence.reasons).length ? ": " + Object.keys(sentence.reasons).join(", ") : ""}`,
    }, scoredText.slice(sentence.start, sentence.end));
    mark.addEventListener("click", () => show(index));
    mark.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); show(index); }
    });
    target.append(mark);
    cursor = sentence.end;
  });
  if (cursor < scoredText.length) target.append(document.createTextNode(scoredText.slice(cursor)));
  $("result-panel").hidden = false;
  renderSummary();
  $("detail").hidden = true;
}

function show(index) {
  selected = index;
  const sentence = report.sentences[index];
  document.querySelectorAll(".sentence").forEach((n) => n.setAttribute("aria-pressed", String(n.dataset.index === String(index))));
  const text = $("detail-text");
  text.replaceChildren();
  let cursor = sentence.start;
  for (const trigger of [...sentence.triggers].sort((a, b) => a.start - b.start)) {
    text.append(document.createTextNode(scoredText.slice(cursor, trigger.start)));
    text.append(element("span", { class: "trigger" }, scoredText.slice(trigger.start, trigger.end)));
    cursor = trigger.end;
  }
  text.append(document.createTextNode(scoredText.slice(cursor, sentence.end)));
  $("detail-verdict").textContent = sentence.verdict + (sentence.quoted ? " (quotation)" : "");
  $("detail-score").textContent = sentence.p_overclaim.toFixed(2);
  const reasons = $("detail-reasons");
  reasons.replaceChildren(...Object.entries(sentence.reasons).map(([name, p]) => element("li", {}, `${name.replace("_", " ")} (${p.toFixed(2)})`)));
  if (!reasons.children.length) reasons.append(element("li", {}, "none"));
  $("detail-triggers").textContent = sentence.triggers.map((t) => t.text).join(", ") || "none";
  $("detail-claim").textContent = sentence.claim_strength.label.replace("_", " ");
  const suggestion = sentence.suggestion || { advice: [], rewrite: null };
  $("detail-advice").replaceChildren(...suggestion.advice.map((a) => element("li", {}, a)));
  $("detail-rewrite").textContent = suggestion.rewrite || "none";
  $("accept").hidden = !suggestion.rewrite;
  $("detail").hidden = false;
}

function accept() {
  const sentence = report.sentences[selected];
  const rewrite = sentence.suggestion && sentence.suggestion.rewrite;
  if (!rewrite || draft.value !== scoredText) {
    setStatus("The draft changed since it was checked: check it again first.");
    return;
  }
  draft.value = scoredText.slice(0, sentence.start) + rewrite + scoredText.slice(sentence.end);
  check();
}

function renderSummary() {
  const summary = report.summary;
  const verdicts = Object.entries(summary.verdicts).map(([k, v]) => `${v} ${k}`).join(", ");
  $("summary-line").textContent = `Overall score ${summary.overall.toFixed(2)} · ${verdicts || "no sentences"}`;
  const list = $("checklist");
  list.replaceChildren(...Object.values(summary.checklist).map((item) => {
    const li = element("li", { class: item.answered ? "yes" : "no" }, item.question);
    li.append(document.createTextNode(item.answered ? ` Yes (sentences ${item.sentences.map((i) => i + 1).join(", ")})` : " Not in the article"));
    return li;
  }));
  $("model-line").textContent = `Model ${report.model.name} ${report.model.version} (${report.model.bundle_hash})`;
  $("summary").hidden = false;
}

function markdownReport() {
  const lines = ["# hypecheck report", "", `Overall score: ${report.summary.overall.toFixed(2)}`, ""];
  for (const s of report.sentences.filter((x) => x.verdict === "overclaim")) {
    lines.push(`- **${Object.keys(s.reasons).join(", ")}** (${s.p_overclaim.toFixed(2)}): ${s.text}`);
    if (s.suggestion && s.suggestion.rewrite) lines.push(`  - Rewrite: ${s.suggestion.rewrite}`);
  }
  lines.push("", "## Checklist", "");
  for (const item of Object.values(report.summary.checklist)) lines.push(`- [${item.answered ? "x" : " "}] ${item.question}`);
  return lines.join("\n") + "\n";
}

function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = element("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

async function readDocx(file) {
  const form = new FormData();
  form.append("file", file);
  const response = await fetch("/v1/extract", { method: "POST", body: form });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : `HTTP ${response.status}`);
  return body.text;
}

async function readFile(file) {
  if (file.size > 2_000_000) { setStatus("That file is over 2 MB."); return; }
  if (/\.docx$/i.test(file.name)) {
    try { draft.value = await readDocx(file); } catch (error) { setStatus(`Could not read ${file.name}: ${error.message}`); return; }
    check();
    return;
  }
  const text = await file.text();
  draft.value = /\.html?$/i.test(file.name) || /^\s*<(!doctype|html)/i.test(text) ? htmlToText(text) : text;
  check();
}

$("check").addEventListener("click", check);
$("accept").addEventListener("click", accept);
$("file").addEventListener("change", (event) => event.target.files[0] && readFile(event.target.files[0]));
$("copy-json").addEventListener("click", async () => {
  await navigator.clipboard.writeText(JSON.stringify(report, null, 1));
  setStatus("Report copied.");
});
$("download-json").addEventListener("click", () => download("hypecheck-report.json", "application/json", JSON.stringify(report, null, 1)));
$("download-md").addEventListener("click", () => download("hypecheck-report.md", "text/markdown", markdownReport()));
draft.addEventListener("keydown", (event) => { if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) check(); });
document.addEventListener("dragover", (event) => { event.preventDefault(); document.body.classList.add("dragging"); });
document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
document.addEventListener("drop", (event) => {
  event.preventDefault();
  document.body.classList.remove("dragging");
  if (event.dataTransfer.files[0]) readFile(event.dataTransfer.files[0]);
});
