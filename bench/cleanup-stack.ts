/** Things to undo (stop a server, drop a database), undone last-first, each once, whatever failed. */
export class CleanupStack {
  private readonly steps: Array<{ name: string; undo: () => Promise<void> }> = [];

  push(name: string, undo: () => Promise<void>): void {
    this.steps.push({ name, undo });
  }

  async run(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.undo();
      } catch (error: unknown) {
        console.error(`cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
