/** Runs `fn` once the current I/O is done: setImmediate where the runtime has it. */
export const defer: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);
