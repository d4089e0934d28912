// Errors meant for the user: a message that names the place and the fix.
// The CLI prints them without a stack trace; anything else is a bug in p4lab.

export class P4labError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'P4labError';
  }

  /** The text a user sees: the message, then the fix on its own line. */
  describe(): string {
    return this.hint ? `${this.message}\n  fix: ${this.hint}` : this.message;
  }
}
