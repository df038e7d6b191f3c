import { useUserName } from "~/utils/user";

export const MAX_BODY = 2000;

/** The message box. Sends the trimmed text; stays disabled until the user signs in. */
export function Composer({ onSend }: { onSend: (body: string, name: string) => void }) {
  const name = useUserName();
  return (
    <form
      className="flex gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const body = String(new FormData(form).get("body") ?? "").trim();
        if (!body || !name) return;
        onSend(body, name);
        form.reset();
      }}
    >
      <input
        name="body"
        aria-label="Message"
        autoComplete="off"
        maxLength={MAX_BODY}
        disabled={!name}
        placeholder={name ? `Message as ${name}` : "Sign in (top right) to chat"}
        className="min-w-0 flex-1 rounded-lg bg-slate-800 px-4 py-3 text-lg
          placeholder:text-slate-500 focus:outline-none focus:ring-2 focus:ring-sky-400
          disabled:opacity-60"
      />
      <button
        type="submit"
        disabled={!name}
        className="rounded-lg bg-sky-500 px-5 font-semibold hover:bg-sky-400 disabled:opacity-40"
      >
        Send
      </button>
    </form>
  );
}
