/**
 * A tiny awaited signal, after Django's: listeners connect with an optional
 * `sender` (a declared model) and run in the order they connected. `send` awaits
 * each in turn, so a listener that throws stops the rest and the caller sees it.
 */
export class Signal<Event, Sender = unknown> {
  readonly #receivers: { listener: (event: Event) => unknown; sender: Sender | undefined }[] = [];

  /** Adds a listener; returns a function that removes it again. */
  connect(listener: (event: Event) => unknown, options: { sender?: Sender } = {}): () => void {
    const sender = options.sender;
    const exists = this.#receivers.some((r) => r.listener === listener && r.sender === sender);
    if (!exists) this.#receivers.push({ listener, sender });
    return () => {
      const index = this.#receivers.findIndex((r) => r.listener === listener && r.sender === sender);
      if (index !== -1) this.#receivers.splice(index, 1);
    };
  }

  /** Removes a listener for every sender it was connected with; true when one was connected. */
  disconnect(listener: (event: Event) => unknown): boolean {
    const before = this.#receivers.length;
    for (let i = this.#receivers.length - 1; i >= 0; i--) {
      if (this.#receivers[i]?.listener === listener) this.#receivers.splice(i, 1);
    }
    return this.#receivers.length !== before;
  }

  /** Runs the listeners for `sender` one after another. */
  async send(sender: Sender, event: Event): Promise<void> {
    // A copy, so a listener that disconnects itself does not skip the next one.
    for (const receiver of [...this.#receivers]) {
      if (receiver.sender === undefined || receiver.sender === sender) await receiver.listener(event);
    }
  }
}
