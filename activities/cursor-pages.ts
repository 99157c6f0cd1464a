/** A cursor's documents in pages of `pageSize` (the last one may be shorter); the cursor is closed at the end. */
export async function* cursorPages<T>(
  cursor: AsyncIterable<T> & { close(): Promise<unknown> },
  pageSize: number,
): AsyncGenerator<T[]> {
  try {
    let page: T[] = [];
    for await (const doc of cursor) {
      page.push(doc);
      if (page.length === pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  } finally {
    await cursor.close();
  }
}
