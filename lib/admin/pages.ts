/** Items of one page: Spring's envelope (`content`) or, in older renderings, a bare array. */
export function pageItems<T>(page: unknown): { items: T[]; last: boolean } {
  if (Array.isArray(page)) return { items: page as T[], last: true };
  const envelope = (page ?? {}) as { content?: unknown; last?: unknown; empty?: unknown };
  const items = Array.isArray(envelope.content) ? (envelope.content as T[]) : [];
  return { items, last: envelope.last === true || envelope.empty === true || items.length === 0 };
}
