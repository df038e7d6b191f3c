// @ts-check
// A download progress bar on stderr: redrawn in place on a terminal, one line per 10% in a log.

const WIDTH = 24;

/** @param {number} bytes */
export function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0)} MB`;
}

/** @param {number} done @param {number} total */
export function progressLine(done, total) {
  const ratio = total > 0 ? Math.min(done / total, 1) : 0;
  const filled = Math.round(ratio * WIDTH);
  const bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
  const percent = String(Math.floor(ratio * 100)).padStart(3);
  return `[${bar}] ${percent}%  ${megabytes(done)} of ${megabytes(total)}`;
}

/**
 * @param {NodeJS.WriteStream} [stream]
 * @returns {{ update: (status: { totalSize: number, downloadedSize: number }) => void, end: () => void }}
 */
export function createProgressBar(stream = process.stderr) {
  let lastStep = -1;
  let drawn = false;
  return {
    update({ totalSize, downloadedSize }) {
      if (!totalSize) return; // not known yet (or the request failed): nothing to draw
      const line = progressLine(downloadedSize, totalSize);
      if (stream.isTTY) {
        stream.write(`\r${line}`);
        drawn = true;
        return;
      }
      const step = Math.floor((downloadedSize / Math.max(totalSize, 1)) * 10);
      if (step === lastStep) return;
      lastStep = step;
      stream.write(`${line}\n`);
    },
    end() {
      if (drawn) stream.write("\n");
    },
  };
}
