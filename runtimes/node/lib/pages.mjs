// The runtime's own answers: small pages that never show a stack trace or anything of the platform.
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function crashPage(functionName, problem) {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>This function crashed</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>This function crashed</h1>
<p>The function <code>${escapeHtml(functionName)}</code> of this deployment did not answer: ${escapeHtml(problem)}.</p>
<p>Its log has the error.</p>
</body></html>
`;
}

/** Answers with a status and a short text, unless the handler already started its own answer. */
export function answer(res, status, body, type = 'text/plain; charset=utf-8', headers = {}) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}
