// Draws flagged sentences with the CSS Custom Highlight API (styles in highlights.css): ranges are
// painted over the page's own text, so its DOM, layout and scripts never see a change.
"use strict";

const SENTENCES = new Highlight(); // ::highlight(hypecheck-overclaim)
const TRIGGERS = new Highlight(); // ::highlight(hypecheck-trigger): the words that drove a score
const ACTIVE = new Highlight(); // ::highlight(hypecheck-active): the sentence under the tooltip
TRIGGERS.priority = 2;
ACTIVE.priority = 1;

const marks = []; // { range, triggers: Range[], sentence } for every flagged sentence on the page

function registerHighlights() {
  CSS.highlights.set("hypecheck-overclaim", SENTENCES);
  CSS.highlights.set("hypecheck-trigger", TRIGGERS);
  CSS.highlights.set("hypecheck-active", ACTIVE);
}

/** Highlights every overclaiming sentence of one scored chunk (and the words that drove each). */
function drawChunk(chunk, sentences) {
  const toUnits = codePointsToUnits(chunk.text);
  for (const sentence of sentences) {
    if (sentence.verdict !== "overclaim") continue;
    const range = rangeFor(chunk, toUnits(sentence.start), toUnits(sentence.end));
    if (!range) continue;
    const triggers = sentence.triggers
      .map((trigger) => rangeFor(chunk, toUnits(trigger.start), toUnits(trigger.end)))
      .filter(Boolean);
    marks.push({ range, triggers, sentence });
    SENTENCES.add(range);
    triggers.forEach((trigger) => TRIGGERS.add(trigger));
  }
}

function removeMark(mark) {
  SENTENCES.delete(mark.range);
  mark.triggers.forEach((trigger) => TRIGGERS.delete(trigger));
  ACTIVE.delete(mark.range);
  marks.splice(marks.indexOf(mark), 1);
}

/** Drops the marks in the given blocks or text nodes (about to be re-checked) and those on removed text. */
function clearMarks(units) {
  const stale = marks.filter((mark) => {
    const start = mark.range.startContainer;
    return !start.isConnected || units.some((unit) => unit.contains(start));
  });
  stale.forEach(removeMark);
}

function clearAllMarks() {
  [...marks].forEach(removeMark);
}

/** The mark drawn under a viewport point, if any. */
function markAt(x, y) {
  return marks.find((mark) =>
    [...mark.range.getClientRects()].some((r) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom),
  );
}

function setActive(mark) {
  ACTIVE.clear();
  if (mark) ACTIVE.add(mark.range);
}
