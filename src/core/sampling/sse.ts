/**
 * A server-sent-events reader for streamed completions (WHATWG HTML §9.2 "Server-sent events": lines,
 * `data:` fields joined by newlines, a blank line ends an event, `:` starts a comment).
 *
 * Why not the openai package's own stream iterator: it copies the unread remainder of its buffer after
 * every event (core/streaming.js `iterSSEChunks`), which is quadratic when a fast server delivers a whole
 * response in one network read, and it yields each event through an async generator. Here each network
 * chunk is decoded once and all its events are handed over synchronously.
 */

/** An event (or a line) longer than the reader accepts: the server is not sending a completion stream. */
export class SseEventTooLong extends Error {
  constructor(readonly limit: number) {
    super(`the server sent an event of more than ${limit} characters`);
    this.name = 'SseEventTooLong';
  }
}

/**
 * Hands each event's data to `onData`; stops reading (and so closes the stream) when `onData`
 * returns false. An event or unterminated line longer than `maxEventChars` throws SseEventTooLong,
 * so a server that never sends a newline cannot grow the buffer without bound.
 */
export async function readSse(
  body: AsyncIterable<Uint8Array>,
  onData: (data: string) => boolean | void,
  maxEventChars = Infinity,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let dataChars = 0;
  let stopped = false;
  const line = (l: string) => {
    if (l === '') {
      if (data.length) {
        const d = data.length === 1 ? data[0]! : data.join('\n');
        data = [];
        dataChars = 0;
        if (onData(d) === false) stopped = true;
      }
      return;
    }
    if (l.charCodeAt(0) === 58 /* ':' comment */) return;
    if (l.startsWith('data:')) {
      const d = l.charCodeAt(5) === 32 ? l.slice(6) : l.slice(5);
      dataChars += d.length + 1;
      if (dataChars > maxEventChars) throw new SseEventTooLong(maxEventChars);
      data.push(d);
    }
    // `event:`, `id:` and `retry:` carry nothing a completion stream needs
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let pos = 0;
    for (let nl = buffer.indexOf('\n', pos); nl >= 0 && !stopped; nl = buffer.indexOf('\n', pos)) {
      const end = nl > pos && buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      line(buffer.slice(pos, end));
      pos = nl + 1;
    }
    if (stopped) return;
    if (pos > 0) buffer = buffer.slice(pos);
    if (buffer.length > maxEventChars) throw new SseEventTooLong(maxEventChars);
  }
  buffer += decoder.decode();
  if (buffer) line(buffer);
  line('');
}
