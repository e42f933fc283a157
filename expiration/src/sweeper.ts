import type { Logger } from '@ticketyboo/common';

/** Runs `sweep` every `intervalMs`, never two at once; a failed sweep is logged and the next one tries again. */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly sweep: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  private tick(): void {
    if (this.sweeping) return;
    this.sweeping = this.sweep()
      .then(
        () => undefined,
        (err: unknown) => this.log.warn({ err }, 'expiry sweep failed; will retry'),
      )
      .finally(() => {
        this.sweeping = undefined;
      });
  }
}
