import helmet from 'helmet';

/**
 * The security headers of every response, in one place (helmet). Pages run only scripts served by
 * this server — never inline script, never another origin (intranets have no internet, and an
 * injected script has nowhere to come from) — and cannot be framed (frame-ancestors 'none', and
 * X-Frame-Options for browsers that predate it). Styles may be inline: ECharts positions its
 * tooltips with style attributes. No Referer leaves a page (it would carry case URLs), and no
 * response is sniffed as another type. HSTS is left to the TLS-terminating proxy, which knows
 * whether the site is served over HTTPS only.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // GraphiQL's fonts and icons are data: URLs inside its stylesheet; chat photos are shown from data: and blob: URLs.
        fontSrc: ["'self'", 'data:'],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
    // Letters and ledgers are opened from the dashboard as blobs, and photos fetched with a token: nothing is embedded across origins.
    crossOriginEmbedderPolicy: false,
  });
}
