/** Host access is granted per match pattern; the background and the options page build them the same way. */

/** Match patterns ignore ports: access is per scheme and host. */
export function originPattern(origin: string): string {
  const u = new URL(origin);
  return `${u.protocol}//${u.hostname}/*`;
}
