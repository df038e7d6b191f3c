import { json, type LoaderFunctionArgs } from "@remix-run/server-runtime";
import {
  isRouteErrorResponse,
  Link,
  useLoaderData,
  useRouteError,
  type MetaFunction,
} from "@remix-run/react";
import { AiStatus } from "~/components/ai-status";
import { Composer } from "~/components/composer";
import { ConnectionBadge } from "~/components/connection-badge";
import { MessageList } from "~/components/message-list";
import { useChatRoom } from "~/hooks/use-chat-room";
import { getRoom, type Room } from "~/rooms";

export async function loader({ params }: LoaderFunctionArgs) {
  const room = getRoom(params.room ?? "");
  if (!room) throw json({ room: params.room }, { status: 404 });
  return json({ room });
}

export default function ChatRoute() {
  const { room } = useLoaderData<typeof loader>();
  // A key per room: moving to another room starts a fresh chat.
  return <ChatRoom key={room.id} room={room} />;
}

function ChatRoom({ room }: { room: Room }) {
  // Stage 2: the messages live in a PartyKit room, shared by everyone in it.
  const { messages, status, dropped, ai, turn, send, stop } = useChatRoom(room.id);

  return (
    <section className="flex flex-1 flex-col gap-4">
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold">#{room.id}</h1>
          <p className="text-slate-400">
            {room.description}{" "}
            <Link to={`/chats/${room.id}/join`} className="text-sky-400 hover:underline">
              Join from your phone
            </Link>
          </p>
        </div>
        <div className="flex flex-col items-end gap-1">
          <ConnectionBadge status={status} dropped={dropped} />
          <span data-testid="ai-model" className="text-sm text-slate-400">
            {ai ? `AI: ${ai}` : "AI: none configured"}
          </span>
        </div>
      </header>
      <div
        className="flex min-h-40 flex-1 flex-col overflow-y-auto contain-size rounded-xl
          bg-slate-900 p-4"
      >
        <MessageList messages={messages} queued={turn?.queued} />
      </div>
      <AiStatus turn={turn} onStop={stop} />
      <Composer onSend={send} />
    </section>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `#${data.room.id} · Party AI Chat` : "Room not found · Party AI Chat" },
];

export function ErrorBoundary() {
  const error = useRouteError();
  if (!isRouteErrorResponse(error) || error.status !== 404) throw error;
  return (
    <div className="m-auto text-center">
      <p className="text-7xl font-black text-slate-700">404</p>
      <h1 className="mt-4 text-2xl font-bold">Room not found</h1>
      <p className="mt-2 text-slate-400">There is no room called #{String(error.data.room)}.</p>
      <Link to="/chats" className="mt-6 inline-block text-sky-400 hover:underline">
        See the rooms
      </Link>
    </div>
  );
}
