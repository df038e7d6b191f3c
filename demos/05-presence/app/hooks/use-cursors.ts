import { useEffect, type RefObject } from "react";
import { usePresence } from "./use-presence";

/** Shares this pointer's position as fractions of `panel`'s box, so it lands on the same spot in any window. */
export function useCursorTracking(panel: RefObject<HTMLElement | null>) {
  const presence = usePresence();
  useEffect(
    function trackPointer() {
      if (!presence) return;
      const move = (event: PointerEvent) => {
        if (event.pointerType === "touch") return; // a finger is no pointer: a phone sends no cursor
        const box = panel.current?.getBoundingClientRect();
        if (!box) return;
        const x = (event.clientX - box.left) / box.width;
        const y = (event.clientY - box.top) / box.height;
        const inside = x >= 0 && x <= 1 && y >= 0 && y <= 1;
        presence.set({ cursor: inside ? { x: round(x), y: round(y) } : null });
      };
      // Left the window (no element to go to) or the tab: hide the cursor.
      const out = (event: PointerEvent) =>
        event.relatedTarget === null && presence.set({ cursor: null });
      const hidden = () => document.hidden && presence.set({ cursor: null });
      window.addEventListener("pointermove", move);
      window.addEventListener("pointerout", out);
      document.addEventListener("visibilitychange", hidden);
      return () => {
        window.removeEventListener("pointermove", move);
        window.removeEventListener("pointerout", out);
        document.removeEventListener("visibilitychange", hidden);
      };
    },
    [presence, panel],
  );
}

/**
 * Moves the other people's cursor elements (children of `layer` with `data-key`) towards their latest
 * positions, on animation frames, straight in the DOM: no React render per move.
 */
export function useRemoteCursors(layer: RefObject<HTMLElement | null>) {
  const presence = usePresence();
  useEffect(
    function animateCursors() {
      if (!presence) return;
      const shown = new Map<string, { x: number; y: number }>(); // where each cursor is drawn now, as fractions
      let frame = 0;
      let last = performance.now();

      const draw = (now: number) => {
        frame = 0;
        const ease = 1 - Math.exp(-(now - last) / 60); // ~60 ms to close most of the gap: smooth at 30 updates a second
        last = now;
        let moving = false;
        for (const element of layer.current?.querySelectorAll<HTMLElement>("[data-key]") ?? []) {
          const target = presence.people.get(element.dataset.key!)?.presence.cursor;
          element.hidden = !target;
          if (!target) {
            shown.delete(element.dataset.key!);
            continue;
          }
          const at = shown.get(element.dataset.key!) ?? { ...target }; // a new cursor appears where it is
          at.x += (target.x - at.x) * ease;
          at.y += (target.y - at.y) * ease;
          shown.set(element.dataset.key!, at);
          moving ||= Math.abs(target.x - at.x) + Math.abs(target.y - at.y) > 0.0005;
          element.dataset.x = target.x.toFixed(3);
          element.dataset.y = target.y.toFixed(3);
          element.style.transform = `translate(${at.x * layer.current!.clientWidth}px, ${at.y * layer.current!.clientHeight}px)`;
        }
        if (moving) frame = requestAnimationFrame(draw);
      };
      const start = () => {
        if (frame) return;
        last = performance.now();
        frame = requestAnimationFrame(draw);
      };
      const stop = presence.onMove(start);
      const resized = new ResizeObserver(start); // pixels change with the panel, fractions do not
      if (layer.current) resized.observe(layer.current);
      return () => {
        stop();
        resized.disconnect();
        cancelAnimationFrame(frame);
      };
    },
    [presence, layer],
  );
}

const round = (fraction: number) => Math.round(fraction * 1000) / 1000;
