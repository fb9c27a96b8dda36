/**
 * What must be closed before the process can exit by itself (the database
 * pools), registered by whatever opened it. The CLI's command wrapper closes
 * through here, so a command that never opens a database (`airlock check`)
 * does not load pg just to close nothing.
 */
const closers = new Set<() => Promise<void>>();

export function onShutdown(close: () => Promise<void>): void {
  closers.add(close);
}

/** Close everything registered, in the order it was registered. */
export async function shutdown(): Promise<void> {
  for (const close of closers) await close();
}
