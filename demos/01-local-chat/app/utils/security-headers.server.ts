// Every page's security headers. Scripts and styles come from our origin; the only inline scripts
// are Remix's own, with this page's nonce; sockets go to our host only; nobody may frame us.
export function securityHeaders(request: Request, nonce: string) {
  const { host } = new URL(request.url);
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'", // React's style={…}: positions, not stylesheets
    "img-src 'self' data:",
    `connect-src 'self' ws://${host} wss://${host}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "Content-Security-Policy": policy,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
  };
}
