// The rooms are hard-coded: a room id in the URL must be one of these.
export const ROOMS = [
  { id: "lobby", name: "Lobby", description: "Say hello to everyone here." },
  { id: "remix", name: "Remix", description: "Loaders, actions and nested routes." },
  { id: "partykit", name: "PartyKit", description: "Rooms, websockets and storage at the edge." },
  { id: "ai", name: "AI", description: "Models, prompts and streaming tokens." },
] as const;

export type Room = (typeof ROOMS)[number];

export function getRoom(id: string): Room | undefined {
  return ROOMS.find((room) => room.id === id);
}
