package io.vela.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts events per key in fixed windows ("how many CONNECTs with this client id in the last minute"). Thread-safe;
 * used on the CONNECT path only, never per PUBLISH. Windows that have ended are swept at most once per window length,
 * so memory stays proportional to the keys seen within one window.
 */
final class WindowCounter<K> {

  private static final class Window {
    final long start;
    int count;

    Window(long start) {
      this.start = start;
    }
  }

  private final long windowMillis;
  private final ConcurrentHashMap<K, Window> windows = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep = new AtomicLong();

  WindowCounter(long windowMillis) {
    this.windowMillis = windowMillis;
  }

  /** Records one event for {@code key}; returns how many events it has in its current window, this one included. */
  int hit(K key, long nowMillis) {
    sweep(nowMillis);
    int[] count = new int[1];
    windows.compute(key, (k, old) -> {
      Window cur = old == null || nowMillis - old.start >= windowMillis ? new Window(nowMillis) : old;
      count[0] = ++cur.count;
      return cur;
    });
    return count[0];
  }

  /** Forgets {@code key}'s window (after it led to a ban, counting starts again). */
  void reset(K key) {
    windows.remove(key);
  }

  int size() {
    return windows.size();
  }

  private void sweep(long now) {
    long next = nextSweep.get();
    if (now < next || !nextSweep.compareAndSet(next, now + windowMillis)) {
      return;
    }
    windows.entrySet().removeIf(e -> now - e.getValue().start >= windowMillis);
  }
}
