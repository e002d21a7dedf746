// The few HTML pages the edge renders itself, when there is no file of the site to serve.
// Shared by the local server and the edge routine so a visitor sees the same page everywhere.

const TITLES = {
  400: 'Bad request',
  404: 'Page not found',
  405: 'Method not allowed',
  414: 'Address too long',
  500: 'Internal error',
  502: 'Bad gateway',
  504: 'Gateway timeout',
};

export function statusPage(status, detail = '') {
  const title = `${status} — ${(TITLES[status] || 'Error').toLowerCase()}`;
  return page(title, detail);
}

export function unknownHostPage(host) {
  return page(
    `No site is deployed at ${host || 'this address'}`,
    'Check the address. If the site was just deployed, make sure the deployment is live (promoted) ' +
      'and that this hostname is one of the project\u2019s domains.',
  );
}

function page(title, detail) {
  const t = escapeHtml(title);
  const d = detail ? `<p>${escapeHtml(detail)}</p>` : '';
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${t}</title>` +
    `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#222}` +
    `h1{font-size:1.5rem}p{color:#555}</style></head>` +
    `<body><h1>${t}</h1>${d}<p><small>Miaobu</small></p></body></html>\n`
  );
}

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
