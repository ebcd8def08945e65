/**
 * The window's Content Security Policy (DESIGN.md §5): our own scripts and styles only, no
 * inline code, no remote content; images and media also from the evidence-media: scheme.
 * Electron main sends it as a header, renderer/index.html carries it as a meta tag (a unit test
 * keeps the two equal), and the test host sends it too.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' evidence-media: blob: data:",
  "media-src 'self' evidence-media: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');
