/**
 * Auth's e-mail templates, as GoTrue takes them from `config.toml`:
 * `[auth.email.template.<kind>]` with `subject` and `content_path` (an HTML file, resolved against
 * the project root as the Supabase CLI resolves it, e.g. `./supabase/templates/confirmation.html`),
 * for the kinds `confirmation`, `invite`, `recovery`, `magic_link`, `email_change` and
 * `reauthentication`. A kind without a section uses the built-in default below.
 *
 * Templates are Go templates; what GoTrue hands them is supported: `{{ .ConfirmationURL }}`,
 * `{{ .Token }}`, `{{ .TokenHash }}`, `{{ .SiteURL }}`, `{{ .Email }}`, `{{ .NewEmail }}`,
 * `{{ .RedirectTo }}` and `{{ .Data.<key> }}` (the user's metadata), with `{{-`/`-}}` trimming. Values
 * are HTML-escaped, as `html/template` does. Any other action (`if`, `range`, pipelines) is refused at
 * start-up, naming the file, rather than rendered wrongly. Everything is read and checked once, at
 * start-up: a missing file or an unknown variable stops the server with a message naming the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The template kinds of the CLI's config, in GoTrue's names. */
export const TEMPLATE_KINDS = ['confirmation', 'invite', 'recovery', 'magic_link', 'email_change', 'reauthentication'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** What a template sees. */
export interface TemplateData {
  ConfirmationURL: string;
  Token: string;
  TokenHash: string;
  SiteURL: string;
  Email: string;
  NewEmail: string;
  RedirectTo: string;
  Data: Record<string, unknown>;
}

const VARIABLES = new Set(['ConfirmationURL', 'Token', 'TokenHash', 'SiteURL', 'Email', 'NewEmail', 'RedirectTo']);

type Part = { text: string } | { variable: string; path: string[] };

/** A parsed template: literal text and variables. */
export interface CompiledTemplate {
  source: string;
  parts: Part[];
}

/** Parses a Go template of variables only; throws naming `source` on anything else. */
export function compileTemplate(body: string, source: string): CompiledTemplate {
  const parts: Part[] = [];
  const action = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let match = action.exec(body); match; match = action.exec(body)) {
    let text = body.slice(last, match.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (match[1] === '-') text = text.replace(/\s+$/, '');
    if (text) parts.push({ text });
    const expression = match[2]!;
    if (!expression.startsWith('/*')) {
      const variable = /^\.([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/.exec(expression);
      const line = body.slice(0, match.index).split('\n').length;
      if (!variable) {
        throw new Error(`${source}:${line}: unsupported template action {{ ${expression} }} (only {{ .Variable }} is supported)`);
      }
      const name = variable[1]!;
      const rest = variable[2] ? variable[2].slice(1).split('.') : [];
      if (name === 'Data' ? rest.length === 0 : !VARIABLES.has(name) || rest.length > 0) {
        throw new Error(`${source}:${line}: unknown template variable {{ ${expression} }}`);
      }
      parts.push({ variable: name, path: rest });
    }
    trimNext = match[3] === '-';
    last = match.index + match[0].length;
  }
  let tail = body.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  if (tail) parts.push({ text: tail });
  return { source, parts };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);

/** Renders a compiled template, HTML-escaping every value. */
export function renderTemplate(template: CompiledTemplate, data: TemplateData): string {
  return template.parts
    .map((part) => {
      if ('text' in part) return part.text;
      let value: unknown = data[part.variable as keyof TemplateData];
      for (const key of part.path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      // Go prints a missing map key as "<no value>"; an empty string is kinder in an e-mail.
      return value === undefined || value === null ? '' : escapeHtml(typeof value === 'string' ? value : JSON.stringify(value));
    })
    .join('');
}

/** A plain-text alternative of an HTML mail: links written out, tags dropped, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(style|script|head|title)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\b[^>]*\bhref\s*=\s*"([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) => {
      const text = label.replace(/<[^>]+>/g, '').trim();
      return text && text !== href ? `${text}: ${href}` : href;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|tr|li|table)>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** GoTrue's defaults (subject and body) for a kind without a `[auth.email.template.<kind>]`. */
const DEFAULTS: Record<TemplateKind, { subject: string; body: string }> = {
  confirmation: {
    subject: 'Confirm your signup',
    body: '<h2>Confirm your signup</h2>\n<p>Follow this link to confirm your e-mail address:</p>\n<p><a href="{{ .ConfirmationURL }}">Confirm your e-mail</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>\n',
  },
  invite: {
    subject: 'You have been invited',
    body: '<h2>You have been invited</h2>\n<p>You have been invited to create a user on {{ .SiteURL }}. Follow this link to accept the invite:</p>\n<p><a href="{{ .ConfirmationURL }}">Accept the invite</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>\n',
  },
  recovery: {
    subject: 'Reset your password',
    body: '<h2>Reset your password</h2>\n<p>Follow this link to reset the password of your account:</p>\n<p><a href="{{ .ConfirmationURL }}">Reset password</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>\n',
  },
  magic_link: {
    subject: 'Your magic link',
    body: '<h2>Your magic link</h2>\n<p>Follow this link to sign in:</p>\n<p><a href="{{ .ConfirmationURL }}">Sign in</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>\n',
  },
  email_change: {
    subject: 'Confirm e-mail change',
    body: '<h2>Confirm e-mail change</h2>\n<p>Follow this link to confirm the change of your e-mail address from {{ .Email }} to {{ .NewEmail }}:</p>\n<p><a href="{{ .ConfirmationURL }}">Change e-mail</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>\n',
  },
  reauthentication: {
    subject: 'Confirm reauthentication',
    body: '<h2>Confirm reauthentication</h2>\n<p>Enter the code: {{ .Token }}</p>\n',
  },
};

/** One kind's subject and body, ready to render. */
export interface MailTemplate {
  subject: string;
  body: CompiledTemplate;
  /** The file it came from; empty for the built-in default. */
  file: string;
}

export type MailTemplates = Record<TemplateKind, MailTemplate>;

type Table = Record<string, unknown>;
const table = (value: unknown): Table => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {});

/**
 * Reads every `[auth.email.template.<kind>]` of a parsed `config.toml`; `projectRoot` anchors relative
 * `content_path`s. Throws, naming the key and the file, when a file is missing or does not compile.
 */
export function loadMailTemplates(toml: Table, projectRoot: string): MailTemplates {
  const sections = table(table(table(toml.auth).email).template);
  for (const name of Object.keys(sections)) {
    if (!(TEMPLATE_KINDS as readonly string[]).includes(name)) {
      throw new Error(`Invalid config: [auth.email.template.${name}] is not a template kind (${TEMPLATE_KINDS.join(', ')})`);
    }
  }
  const templates = {} as MailTemplates;
  for (const kind of TEMPLATE_KINDS) {
    const section = table(sections[kind]);
    const defaults = DEFAULTS[kind];
    const subject = typeof section.subject === 'string' && section.subject !== '' ? section.subject : defaults.subject;
    const contentPath = typeof section.content_path === 'string' ? section.content_path : '';
    if (!contentPath) {
      templates[kind] = { subject, body: compileTemplate(defaults.body, `default ${kind} template`), file: '' };
      continue;
    }
    const file = path.isAbsolute(contentPath) ? contentPath : path.join(projectRoot, contentPath);
    let body: string;
    try {
      body = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw new Error(`Invalid config for auth.email.template.${kind}.content_path: cannot read ${file} (${reason})`, { cause: error });
    }
    templates[kind] = { subject, body: compileTemplate(body, file), file };
  }
  return templates;
}
