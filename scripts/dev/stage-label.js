// @ts-check
// "stage 3 · the AI joins the room": what the dev indicator shows. Read from the files the stage tool
// keeps (.stage/current, demos/NN-name/README.md), or from README.md in an exported stage, so that
// `npm run dev` needs no stage tool to run.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** @param {string} root @param {string | null} [id] a stage id ("03-ai-replies"); default: the current one */
export function stageLabel(root, id = null) {
  const notes = notesOf(root, id ?? currentId(root));
  const match = notes && /^# Stage (\d+):\s*(.+)$/m.exec(notes);
  return match ? `stage ${match[1]} · ${match[2].trim()}` : null;
}

/** @param {string} root */
function currentId(root) {
  try {
    return readFileSync(join(root, ".stage/current"), "utf8").trim();
  } catch {
    // No switch yet: the working copy is the last stage, as scripts/stage says.
    const demos = join(root, "demos");
    if (!existsSync(demos)) return null;
    return (
      readdirSync(demos)
        .filter((name) => /^\d+-/.test(name))
        .sort()
        .pop() ?? null
    );
  }
}

/** @param {string} root @param {string | null} id */
function notesOf(root, id) {
  const file = id ? join(root, "demos", id, "README.md") : join(root, "README.md");
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
