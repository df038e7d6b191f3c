import { useEffect, useRef, useState } from "react";

const easeOut = (t: number) => 1 - (1 - t) ** 3;

/** Counts from the number on screen up (or down) to `target` in `ms`; the last frame is exactly `target`. */
export function useCountUp(target: number, ms = 1200) {
  const [shown, setShown] = useState(target);
  const onScreen = useRef(target);

  useEffect(() => {
    const start = onScreen.current;
    if (start === target || matchMedia("(prefers-reduced-motion: reduce)").matches) {
      onScreen.current = target;
      setShown(target);
      return;
    }
    const began = performance.now();
    let frame = requestAnimationFrame(function step(now) {
      const t = Math.min(1, (now - began) / ms);
      onScreen.current = t === 1 ? target : Math.round(start + (target - start) * easeOut(t));
      setShown(onScreen.current);
      if (t < 1) frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [target, ms]);

  return shown;
}
