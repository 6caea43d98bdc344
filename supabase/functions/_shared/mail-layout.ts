/**
 * The look of every e-mail the project sends: Auth's templates (`supabase/templates/*.html`, written
 * with this layout) and the functions' notices (`mailbox.ts`). Plain TypeScript without Deno globals,
 * so the test suite checks that the templates and the notices share it.
 */

/** Brand name and colours of the mails. */
export const MAIL_BRAND = { name: 'Backend Kit', accent: '#1f7a5a', text: '#1c1c1c', muted: '#6b6b6b', background: '#f4f5f4' } as const;

/** Where a mail's own content goes in the layout. */
export const MAIL_CONTENT_SLOT = '<!-- content -->';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);

/** The full HTML document around `content` (already HTML), titled `title` (plain text). */
export function mailLayout(title: string, content: string): string {
  const b = MAIL_BRAND;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
</head>
<body style="margin:0;padding:0;background:${b.background};font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;color:${b.text};">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${b.background};padding:32px 12px;">
<tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;overflow:hidden;">
<tr><td style="background:${b.accent};padding:20px 32px;color:#ffffff;font-size:18px;font-weight:600;">${escapeHtml(b.name)}</td></tr>
<tr><td style="padding:32px;font-size:15px;line-height:1.6;">
<h1 style="margin:0 0 16px;font-size:20px;">${escapeHtml(title)}</h1>
${MAIL_CONTENT_SLOT}
${content}
${MAIL_CONTENT_SLOT}
</td></tr>
<tr><td style="padding:16px 32px;border-top:1px solid #e6e6e6;color:${b.muted};font-size:12px;">You receive this e-mail because of an action on your ${escapeHtml(b.name)} account. If it was not you, you can ignore it.</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

/** A call-to-action button (HTML) to `href`, which may be a template variable such as `{{ .ConfirmationURL }}`. */
export function mailButton(href: string, label: string): string {
  return `<p style="margin:24px 0;"><a href="${href}" style="display:inline-block;background:${MAIL_BRAND.accent};color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600;">${escapeHtml(label)}</a></p>`;
}
