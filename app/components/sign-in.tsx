import { useState } from "react";
import { NameSchema, signIn, signOut, useUserName } from "~/utils/user";

export function SignIn() {
  const name = useUserName();
  const [error, setError] = useState<string | null>(null);

  if (name) {
    return (
      <div className="flex items-center gap-3 text-sm">
        <span>
          Signed in as <strong data-testid="signed-in-name">{name}</strong>
        </span>
        <button type="button" onClick={signOut} className="text-slate-400 hover:text-white">
          Sign out
        </button>
      </div>
    );
  }

  return (
    <form
      className="flex items-center gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        const result = NameSchema.safeParse(new FormData(event.currentTarget).get("name"));
        if (!result.success) return setError(result.error.issues[0].message);
        setError(null);
        signIn(result.data);
      }}
    >
      <input
        name="name"
        aria-label="Your name"
        placeholder="Your name"
        maxLength={40}
        aria-invalid={error ? true : undefined}
        title={error ?? undefined}
        className="w-36 rounded-md bg-slate-800 px-3 py-1.5 text-sm placeholder:text-slate-500
          focus:outline-none focus:ring-2 focus:ring-sky-400"
      />
      <button
        type="submit"
        className="rounded-md bg-sky-500 px-3 py-1.5 text-sm font-semibold hover:bg-sky-400"
      >
        Sign in
      </button>
    </form>
  );
}
