package io.vela.session;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayDeque;

/**
 * The acknowledgements (PUBACK, PUBREC) one publisher is owed while some of them wait for a
 * {@link io.vela.api.ConfirmingSubscriber}: they go out in the order the PUBLISH packets arrived [MQTT-4.6.0-2,
 * MQTT-4.6.0-3], so one that waits holds back those behind it. Used only on the connection's context. While nothing
 * waits, {@link #isEmpty()} is true and the connection acknowledges directly, without this class.
 */
final class PublisherAcks {

  /** Sends one acknowledgement; {@code failure} is why the subscriber it waited for failed, null on success. */
  interface Ack {
    void send(Throwable failure);
  }

  private static final class Entry {
    final Ack ack;
    boolean done;
    Throwable failure;

    Entry(Ack ack) {
      this.ack = ack;
    }
  }

  private final ArrayDeque<Entry> queue = new ArrayDeque<>();
  private final Context context;
  private final int limit;
  private final Runnable onFull;
  private final Runnable onRoom;
  private boolean full;
  private boolean discarded;

  /**
   * @param limit  how many acknowledgements may be owed before {@code onFull} runs (the connection stops reading);
   *               {@code onRoom} runs when fewer are owed again
   */
  PublisherAcks(Context context, int limit, Runnable onFull, Runnable onRoom) {
    this.context = context;
    this.limit = Math.max(1, limit);
    this.onFull = onFull;
    this.onRoom = onRoom;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** True while so many are owed that the connection should not read more PUBLISH packets. */
  boolean full() {
    return full;
  }

  int size() {
    return queue.size();
  }

  /**
   * Sends {@code ack} once {@code confirmation} (null: nothing to wait for) completed and every acknowledgement added
   * before it was sent.
   */
  void add(Future<Void> confirmation, Ack ack) {
    if (confirmation == null && queue.isEmpty()) {
      ack.send(null);
      return;
    }
    Entry e = new Entry(ack);
    queue.add(e);
    if (confirmation == null) {
      e.done = true;
    } else {
      confirmation.onComplete(ar -> context.runOnContext(v -> {
        e.done = true;
        e.failure = ar.cause();
        drain();
      }));
    }
    if (!full && queue.size() >= limit) {
      full = true;
      onFull.run();
    }
    drain();
  }

  /** The connection is gone: nothing more is sent (the client sends unacknowledged messages again). */
  void discard() {
    discarded = true;
    queue.clear();
  }

  private void drain() {
    while (!discarded && !queue.isEmpty() && queue.peek().done) {
      Entry e = queue.poll();
      e.ack.send(e.failure);
    }
    if (full && queue.size() < limit) {
      full = false;
      if (!discarded) {
        onRoom.run();
      }
    }
  }
}
