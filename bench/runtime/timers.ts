/** Every wait of both bench workflows (the journey's quiet-for and sleeps, the hand-written one's timers). */
export const BENCH_TIMER = '1 second';
export const BENCH_TIMER_MS = 1000;
