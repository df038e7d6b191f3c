import { Link } from "@remix-run/react";
import { ROOMS } from "~/rooms";

export default function Chats() {
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold">Rooms</h1>
      <ul className="grid gap-4 sm:grid-cols-2">
        {ROOMS.map((room) => (
          <li key={room.id}>
            <Link
              to={`/chats/${room.id}`}
              className="block rounded-xl border border-slate-800 bg-slate-900 p-5
                hover:border-sky-500"
            >
              <h2 className="text-xl font-semibold">#{room.id}</h2>
              <p className="mt-1 text-slate-400">{room.description}</p>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
