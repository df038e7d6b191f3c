import { createContext, useContext } from "react";

// The nonce of this page's Content-Security-Policy (entry.server.tsx): only scripts carrying it,
// Remix's own inline ones, may run inline. The browser hides it after load, so it is "" there.
const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
