import { Link } from "@remix-run/react";

export default function Home() {
  return (
    <div className="my-auto space-y-6">
      <h1 className="text-5xl font-black tracking-tight">Chat with your friends, and an AI.</h1>
      <p className="max-w-2xl text-xl text-slate-400">
        A realtime, multiplayer chat built with Remix and PartyKit. Sign in with any name, pick a
        room and start talking.
      </p>
      <Link
        to="/chats"
        className="inline-block rounded-lg bg-sky-500 px-5 py-3 text-lg font-semibold
          hover:bg-sky-400"
      >
        See the rooms →
      </Link>
    </div>
  );
}
