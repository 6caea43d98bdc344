/** Small pieces every suite's raw HTTP calls and users share. */
import { randomUUID } from 'node:crypto';

/** A response's body: the JSON value when it parses, else the text (errors from a proxy, HTML…). */
export async function responseBody(response: Response): Promise<any> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A password that meets the policy (8+ characters with a letter and a digit), different every call. */
export function strongPassword(): string {
  return `Pw-${randomUUID().slice(0, 8)}-7`;
}
