import { createLogger } from '@ticketyboo/common';
import { TimerScheduler } from './timer-scheduler';

describe('TimerScheduler', () => {
  let scheduler: TimerScheduler;
  let fired: string[];

  beforeEach(async () => {
    jest.useFakeTimers();
    fired = [];
    scheduler = new TimerScheduler(createLogger('test'));
    await scheduler.start(async (orderId) => void fired.push(orderId));
  });
  afterEach(async () => {
    await scheduler.stop();
    jest.useRealTimers();
  });

  const inMs = (ms: number) => new Date(Date.now() + ms);

  it('fires at the time given, once, however often the order was scheduled', async () => {
    await scheduler.schedule('a', inMs(1000));
    await scheduler.schedule('a', inMs(1000));
    await jest.advanceTimersByTimeAsync(999);
    expect(fired).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(fired).toEqual(['a']);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(fired).toEqual(['a']);
  });

  it('fires a time already past at once', async () => {
    await scheduler.schedule('late', inMs(-5000));
    await jest.advanceTimersByTimeAsync(0);
    expect(fired).toEqual(['late']);
  });

  it('fires nothing for a cancelled order', async () => {
    await scheduler.schedule('a', inMs(100));
    await scheduler.schedule('b', inMs(100));
    await scheduler.cancel('a');
    await jest.advanceTimersByTimeAsync(200);
    expect(fired).toEqual(['b']);
  });

  it('waits out delays longer than setTimeout can hold (2^31 - 1 ms) instead of firing early', async () => {
    const far = 2 ** 31 + 60_000;
    await scheduler.schedule('far', inMs(far));
    await jest.advanceTimersByTimeAsync(2 ** 31 - 1);
    expect(fired).toEqual([]);
    await jest.advanceTimersByTimeAsync(far - (2 ** 31 - 1) - 1);
    expect(fired).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(fired).toEqual(['far']);
  });

  it('fires nothing after stop, and stop waits for a fire in progress', async () => {
    let finish!: () => void;
    const slow = new TimerScheduler(createLogger('test'));
    const done: string[] = [];
    await slow.start(async (orderId) => {
      await new Promise<void>((r) => (finish = r));
      done.push(orderId);
    });
    await slow.schedule('running', inMs(10));
    await slow.schedule('later', inMs(1000));
    await jest.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = slow.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    await jest.advanceTimersByTimeAsync(5000);
    expect(done).toEqual(['running']);
  });
});
