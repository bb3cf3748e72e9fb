/**
 * Shows just enough of a secret to tell two keys apart: at most the first 3 and last 4
 * characters, fewer for short keys, never more than a third of the key.
 */
export function maskSecret(secret: string): string {
  if (secret.length < 8) return '****';
  const visible = Math.floor(secret.length / 3);
  const head = Math.min(3, Math.floor(visible / 2));
  const tail = Math.min(4, visible - head);
  if (head + tail === 0) return '****';
  return `${secret.slice(0, head)}****${secret.slice(secret.length - tail)}`;
}

/** Removes every occurrence of a secret from a text (error messages, verbose logs). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join('[redacted]');
}
