/**
 * The browser's storage bucket that holds the device database. By default a
 * browser may evict a site's IndexedDB under disk pressure; the device's events
 * are the only copy until the venue acknowledges them, so the shell asks for
 * persistent storage and shows how much room is left.
 */
export interface StorageStatus {
  /** Whether the browser promised not to evict this site's data. */
  isPersisted: boolean;
  /** Bytes used and available to this origin, when the browser says. */
  usage?: number;
  quota?: number;
}

/** Asks for persistent storage (once granted it stays) and reports the bucket's state. */
export async function requestPersistentStorage(): Promise<StorageStatus> {
  const manager = globalThis.navigator?.storage;
  if (!manager) return { isPersisted: false };
  let isPersisted = false;
  try {
    isPersisted = (await manager.persisted?.()) || ((await manager.persist?.()) ?? false);
  } catch {
    isPersisted = false; // e.g. an insecure context: eviction stays possible
  }
  try {
    const { usage, quota } = (await manager.estimate?.()) ?? {};
    return { isPersisted, usage, quota };
  } catch {
    return { isPersisted };
  }
}
