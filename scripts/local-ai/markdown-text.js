// @ts-check
// Turns the project's markdown into plain sentences for the n-gram model to learn from.
// Not a markdown parser: it only removes what would teach the model junk (code, urls, table pipes).

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^\s*#{1,6}\s+/;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/;
const TABLE_ROW = /^\s*\|/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}/;
const LINK_DEFINITION = /^\s*\[[^\]]+\]:\s*\S+/;

/** @param {string} markdown @returns {string} one sentence-terminated block per line */
export function markdownToText(markdown) {
  /** @type {string[]} */
  const blocks = [];
  /** @type {string[]} */
  let paragraph = [];
  const flush = () => {
    if (paragraph.length) blocks.push(paragraph.join(" "));
    paragraph = [];
  };

  let fence = "";
  const source = markdown
    .replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  for (const line of source.split(/\r?\n/)) {
    const fenceMark = FENCE.exec(line)?.[1];
    if (fence) {
      if (fenceMark === fence) fence = "";
      continue;
    }
    if (fenceMark) {
      flush();
      fence = fenceMark;
      continue;
    }
    if (!line.trim() || TABLE_RULE.test(line)) {
      flush();
      continue;
    }
    if (LINK_DEFINITION.test(line)) continue;

    // Headings, list items and table rows are blocks of their own, so each becomes a sentence.
    const standalone = HEADING.test(line) || TABLE_ROW.test(line);
    if (standalone || LIST_ITEM.test(line)) flush();
    let text = inline(
      line
        .replace(HEADING, "")
        .replace(/^\s*>\s?/, "")
        .replace(LIST_ITEM, ""),
    );
    if (TABLE_ROW.test(line))
      text = text
        .split("|")
        .map((cell) => cell.trim())
        .filter(Boolean)
        .join(", ");
    paragraph.push(text);
    if (standalone) flush();
  }
  flush();

  return blocks
    .map((block) =>
      block
        .replace(/\s+/g, " ")
        .replace(/ ([,.;:!?])/g, "$1")
        .trim(),
    )
    .filter((block) => /[\p{L}\p{N}]/u.test(block))
    .map(endSentence)
    .join("\n");
}

/** @param {string} text */
function inline(text) {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // links and images keep their text, lose the url
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1") // reference-style links
    .replace(/<[^>]+>/g, " ") // inline html
    .replace(/\bhttps?:\/\/\S+/g, " ") // bare urls
    .replace(/`+([^`]*)`+/g, "$1") // inline code keeps its words
    .replace(/[*~]+|(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, ""); // emphasis, but not snake_case
}

/** @param {string} block */
function endSentence(block) {
  if (/[.!?]$/.test(block)) return block;
  return block.replace(/[,;:]$/, "") + ".";
}
