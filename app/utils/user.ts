import { useSyncExternalStore } from "react";
import { NameSchema } from "../../party/user.schema";

// Sign-in is client-only: a display name kept in localStorage so a reload keeps it.
const KEY = "party-ai-chat:name";
const CHANGE = "party-ai-chat:user-change";

export { NameSchema };

export function signIn(name: string) {
  localStorage.setItem(KEY, NameSchema.parse(name));
  window.dispatchEvent(new Event(CHANGE));
}

export function signOut() {
  localStorage.removeItem(KEY);
  window.dispatchEvent(new Event(CHANGE));
}

function subscribe(onChange: () => void) {
  window.addEventListener(CHANGE, onChange);
  window.addEventListener("storage", onChange); // other tabs
  return () => {
    window.removeEventListener(CHANGE, onChange);
    window.removeEventListener("storage", onChange);
  };
}

/** The signed-in name, or null (always null while rendering on the server). */
export function useUserName(): string | null {
  return useSyncExternalStore(
    subscribe,
    () => localStorage.getItem(KEY),
    () => null,
  );
}
