// @ts-check
// One line that says what is about to go out: which stage, and any edits that are in no stage.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** @param {string} root @returns {Promise<string>} */
export async function describeStage(root) {
  // A standalone stage (a demo branch, an export) has no demos/: its README is the stage's notes.
  if (!existsSync(join(root, "demos/stages.json"))) {
    const notes = join(root, "README.md");
    const title = existsSync(notes) ? /^# (.+)$/m.exec(readFileSync(notes, "utf8"))?.[1] : null;
    return `this folder${title ? ` (${title})` : ""}`;
  }
  // The stage tool is not part of a standalone stage: a computed path keeps tsc from requiring it.
  const tool = "../stage-tool/";
  const { openRepo } = await import(`${tool}stages.js`);
  const { readStatus } = await import(`${tool}working-copy.js`);
  const { stage, edits } = readStatus(openRepo(root));
  const edited = [...edits.added, ...edits.changed, ...edits.deleted];
  const name = `stage ${stage.n} (${stage.name})`;
  if (!edited.length) return name;
  const list = edited.slice(0, 3).join(", ") + (edited.length > 3 ? ", …" : "");
  return `${name} with ${edited.length} edited file${edited.length > 1 ? "s" : ""} that no stage has: ${list}`;
}
