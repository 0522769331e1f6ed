package io.vela.console;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows password guessing: after {@link #MAX_FAILURES} failed console logins from one address within
 * {@link #WINDOW_MILLIS}, further attempts from it are refused (429) until the oldest failure leaves the window.
 * Bounded: at most {@link #MAX_ADDRESSES} addresses are tracked (the oldest entries are dropped first).
 */
final class LoginThrottle {

  static final int MAX_FAILURES = 10;
  static final long WINDOW_MILLIS = 5 * 60_000L;
  static final int MAX_ADDRESSES = 10_000;

  private final LongSupplier clock;
  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

  LoginThrottle(LongSupplier clock) {
    this.clock = clock;
  }

  /** Milliseconds until this address may try again; 0 when it may now. */
  long retryAfterMillis(String address) {
    Deque<Long> d = failures.get(address);
    if (d == null) {
      return 0;
    }
    synchronized (d) {
      long now = clock.getAsLong();
      expire(d, now);
      return d.size() < MAX_FAILURES ? 0 : d.peekFirst() + WINDOW_MILLIS - now;
    }
  }

  void failed(String address) {
    if (failures.size() >= MAX_ADDRESSES) {
      sweep();
    }
    Deque<Long> d = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    synchronized (d) {
      long now = clock.getAsLong();
      expire(d, now);
      d.addLast(now);
      while (d.size() > MAX_FAILURES) {
        d.removeFirst();
      }
    }
  }

  void succeeded(String address) {
    failures.remove(address);
  }

  private void expire(Deque<Long> d, long now) {
    while (!d.isEmpty() && d.peekFirst() <= now - WINDOW_MILLIS) {
      d.removeFirst();
    }
  }

  private void sweep() {
    long now = clock.getAsLong();
    failures.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        expire(e.getValue(), now);
        return e.getValue().isEmpty();
      }
    });
    if (failures.size() >= MAX_ADDRESSES) {
      failures.clear(); // a flood from many addresses: start over rather than grow without bound
    }
  }
}
