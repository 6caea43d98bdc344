/**
 * Static files out of a published npm package, for the pages a function serves (the API docs'
 * Swagger UI and ReDoc): the package's tarball is fetched once from the npm registry
 * (`NPM_REGISTRY_URL`, default https://registry.npmjs.org), checked against the pinned sha512
 * integrity npm publishes, unpacked in memory, and kept for the life of the worker. No CDN and no
 * import of the package's code into the function: the files go to the browser as they are.
 */

/** One pinned npm package and the files we serve from it (paths inside `package/`). */
export interface NpmPackage {
  name: string;
  version: string;
  /** `dist.integrity` from `npm view <name>@<version> dist.integrity`. */
  integrity: string;
  files: string[];
}

const cache = new Map<string, Promise<Map<string, Uint8Array<ArrayBuffer>>>>();

function registry(): string {
  return (Deno.env.get('NPM_REGISTRY_URL') ?? 'https://registry.npmjs.org').replace(/\/+$/, '');
}

function base64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** Reads the regular files of a (ustar) tar archive whose names are wanted. */
export function untar(archive: Uint8Array, wanted: Set<string>): Map<string, Uint8Array<ArrayBuffer>> {
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  const decoder = new TextDecoder();
  const field = (offset: number, length: number) => decoder.decode(archive.subarray(offset, offset + length)).replace(/\0.*$/s, '');
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const name = field(offset, 100);
    if (name === '') break;
    const size = parseInt(field(offset + 124, 12).trim() || '0', 8);
    const type = field(offset + 156, 1);
    const prefix = field(offset + 345, 155);
    const body = archive.subarray(offset + 512, offset + 512 + size);
    if (type === 'L') {
      longName = decoder.decode(body).replace(/\0.*$/s, '');
    } else {
      const path = longName ?? (prefix ? `${prefix}/${name}` : name);
      longName = undefined;
      if ((type === '0' || type === '') && wanted.has(path)) files.set(path, body.slice());
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

async function load(pkg: NpmPackage): Promise<Map<string, Uint8Array<ArrayBuffer>>> {
  const bare = pkg.name.split('/').pop()!;
  const url = `${registry()}/${pkg.name}/-/${bare}-${pkg.version}.tgz`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`npm registry answered ${response.status} for ${url}`);
  const tarball = new Uint8Array(await response.arrayBuffer());
  const digest = `sha512-${base64(new Uint8Array(await crypto.subtle.digest('SHA-512', tarball)))}`;
  if (digest !== pkg.integrity) throw new Error(`${pkg.name}@${pkg.version}: integrity mismatch (${digest})`);
  const archive = new Uint8Array(await new Response(new Blob([tarball]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const files = untar(archive, new Set(pkg.files.map((f) => `package/${f}`)));
  const byName = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const file of pkg.files) {
    const body = files.get(`package/${file}`);
    if (!body) throw new Error(`${pkg.name}@${pkg.version} has no ${file}`);
    byName.set(file, body);
  }
  return byName;
}

/** The bytes of `file` of `pkg` (one of `pkg.files`); the package is fetched on first use. */
export async function npmAsset(pkg: NpmPackage, file: string): Promise<Uint8Array<ArrayBuffer>> {
  const key = `${pkg.name}@${pkg.version}`;
  let files = cache.get(key);
  if (!files) {
    files = load(pkg);
    cache.set(key, files);
    files.catch(() => cache.delete(key));
  }
  const body = (await files).get(file);
  if (!body) throw new Error(`${key}: ${file} is not served`);
  return body;
}
