import { json, type LoaderFunctionArgs } from "@remix-run/server-runtime";
import { Link, useLoaderData, type MetaFunction } from "@remix-run/react";
import { toString as qrCodeSvg } from "qrcode/lib/browser";
import { getRoom } from "~/rooms";

// "Join from your phone": the room's address as a QR code, big enough to scan from the back
// of a hall.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const room = getRoom(params.room ?? "");
  if (!room) throw json({ room: params.room }, { status: 404 });
  // `npm run dev` passes the address phones reach on its network; deployed, this page's own
  // is right.
  const url = new URL(`/chats/${room.id}`, context.joinOrigin ?? request.url);
  const qr = await qrCodeSvg(url.href, { type: "svg", margin: 2 });
  const localOnly = /^(localhost|127\.|\[::1\])/.test(url.hostname);
  return json({ room, url: url.href, qr, localOnly });
}

export default function JoinRoute() {
  const { room, url, qr, localOnly } = useLoaderData<typeof loader>();
  return (
    <section className="m-auto flex w-full flex-col items-center gap-6 text-center">
      <h1 className="text-3xl font-bold sm:text-5xl">Join #{room.id} from your phone</h1>
      <div
        data-testid="join-qr"
        role="img"
        aria-label={`QR code for ${url}`}
        className="aspect-square w-full max-w-[min(60dvh,40rem)] rounded-xl bg-white
          [&>svg]:h-full [&>svg]:w-full"
        dangerouslySetInnerHTML={{ __html: qr }} // our own SVG, from the qrcode library
      />
      <p data-testid="join-url" className="break-all font-mono text-xl sm:text-3xl">
        {url}
      </p>
      {localOnly && (
        <p data-testid="join-local-only" className="max-w-xl text-amber-300">
          No network address: this is localhost, which only this computer can open. Connect to a
          network and run npm run dev to let phones join.
        </p>
      )}
      <Link to={`/chats/${room.id}`} className="text-sky-400 hover:underline">
        Back to #{room.id}
      </Link>
    </section>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Join #${data.room.id} · Party AI Chat` : "Room not found · Party AI Chat" },
];
