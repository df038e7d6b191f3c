import type { LinksFunction } from "@remix-run/server-runtime";
import {
  Link,
  Links,
  Meta,
  type MetaFunction,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { SignIn } from "~/components/sign-in";
import { useNonce } from "~/utils/nonce";
import styles from "~/tailwind.css";

const FAVICON =
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'>" +
  "<text y='.9em' font-size='90'>🎉</text></svg>";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: `data:image/svg+xml,${FAVICON}` },
];

export const meta: MetaFunction = () => [{ title: "Party AI Chat" }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en" className="h-full bg-slate-950 text-slate-100">
      <head>
        <meta charSet="utf-8" />
        <meta
          name="viewport"
          content="width=device-width, initial-scale=1, interactive-widget=resizes-content"
        />
        <Meta />
        <Links />
      </head>
      <body className="flex h-dvh flex-col">
        <Header />
        {/* On a phone the header stays and the page scrolls below it; a room fits the screen. */}
        <main className="flex min-h-0 flex-1 flex-col overflow-y-auto">
          <div className="mx-auto flex w-full max-w-4xl flex-1 flex-col px-4 py-6 sm:py-8">
            {children}
          </div>
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Header() {
  const navClass = ({ isActive }: { isActive: boolean }) =>
    isActive ? "text-white" : "text-slate-400 hover:text-white";
  return (
    <header className="border-b border-slate-800 bg-slate-900">
      <div className="mx-auto flex max-w-4xl flex-wrap items-center gap-6 px-4 py-3">
        <Link to="/" className="text-lg font-bold tracking-tight">
          🎉 Party AI Chat
        </Link>
        <nav className="flex gap-4 text-sm font-medium">
          <NavLink to="/chats" className={navClass}>
            Chats
          </NavLink>
          <NavLink to="/usage" className={navClass}>
            Usage
          </NavLink>
        </nav>
        <div className="ml-auto">
          <SignIn />
        </div>
      </div>
    </header>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <div className="m-auto text-center">
      <p className="text-7xl font-black text-slate-700">{notFound ? 404 : "Oops"}</p>
      <h1 className="mt-4 text-2xl font-bold">
        {notFound ? "Page not found" : "Something went wrong"}
      </h1>
      <p className="mt-2 text-slate-400">
        {notFound ? "There is nothing at this address." : "Reload the page to try again."}
      </p>
      <Link to="/chats" className="mt-6 inline-block text-sky-400 hover:underline">
        Back to the rooms
      </Link>
    </div>
  );
}
