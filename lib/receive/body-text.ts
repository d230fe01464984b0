import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

/**
 * The body's text, decoded chunk by chunk as the bytes arrive. No buffer of the whole body is
 * assembled: for a large body that copy, and the fresh memory it needs, cost as much as the
 * parse. ASCII chunks (most of Violet's) are decoded as latin1, which is the same text made with
 * a plain copy; once a chunk is not ASCII, the rest goes through a UTF-8 decoder that keeps a
 * character split between two chunks whole.
 */
export class BodyText {
  private text = '';
  private decoder: StringDecoder | undefined;

  add(chunk: Buffer): void {
    if (this.decoder === undefined && isAscii(chunk)) {
      this.text += chunk.toString('latin1');
    } else {
      this.decoder ??= new StringDecoder('utf8');
      this.text += this.decoder.write(chunk);
    }
  }

  end(): string {
    return this.decoder === undefined ? this.text : this.text + this.decoder.end();
  }
}
