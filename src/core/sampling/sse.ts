/**
 * A server-sent-events reader for streamed completions (WHATWG HTML §9.2 "Server-sent events": lines,
 * `data:` fields joined by newlines, a blank line ends an event, `:` starts a comment).
 *
 * Why not the openai package's own stream iterator: it copies the unread remainder of its buffer after
 * every event (core/streaming.js `iterSSEChunks`), which is quadratic when a fast server delivers a whole
 * response in one network read, and it yields each event through an async generator. Here each network
 * chunk is decoded once and all its events are handed over synchronously.
 */
export async function readSse(body: AsyncIterable<Uint8Array>, onData: (data: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const line = (l: string) => {
    if (l === '') {
      if (data.length) {
        const d = data.length === 1 ? data[0]! : data.join('\n');
        data = [];
        onData(d);
      }
      return;
    }
    if (l.charCodeAt(0) === 58 /* ':' comment */) return;
    if (l.startsWith('data:')) data.push(l.charCodeAt(5) === 32 ? l.slice(6) : l.slice(5));
    // `event:`, `id:` and `retry:` carry nothing a completion stream needs
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let pos = 0;
    for (let nl = buffer.indexOf('\n', pos); nl >= 0; nl = buffer.indexOf('\n', pos)) {
      const end = nl > pos && buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      line(buffer.slice(pos, end));
      pos = nl + 1;
    }
    if (pos > 0) buffer = buffer.slice(pos);
  }
  buffer += decoder.decode();
  if (buffer) line(buffer);
  line('');
}
