import {
  createContext,
  useContext,
  useEffect,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from "react";
import { PresenceClient, type PersonHere } from "~/utils/presence-client";
import { useUserName } from "~/utils/user";

const PresenceContext = createContext<PresenceClient | null>(null);
const NOBODY: PersonHere[] = [];

/** Joins the room's presence as the signed-in user (signed out: watches, no cursor). Browser only. */
export function PresenceProvider({ room, children }: { room: string; children: ReactNode }) {
  const name = useUserName();
  const [client, setClient] = useState<PresenceClient | null>(null);
  useEffect(
    function connect() {
      const client = new PresenceClient(room, name);
      setClient(client);
      return () => client.close(); // closing is leaving: everyone else sees it at once
    },
    [room, name],
  );
  return <PresenceContext.Provider value={client}>{children}</PresenceContext.Provider>;
}

/** This browser's presence client; null while rendering on the server. */
export function usePresence() {
  return useContext(PresenceContext);
}

/** Everyone here. Re-renders on joins, leaves and typing, never on cursor moves. */
export function usePeople(): PersonHere[] {
  const client = usePresence();
  return useSyncExternalStore(
    client?.subscribe ?? noSubscription,
    client?.getPeople ?? (() => NOBODY),
    () => NOBODY,
  );
}

const noSubscription = () => () => {};
