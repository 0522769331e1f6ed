package io.vela.session;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after another per key (a client id): two CONNECTs with the same client id on different
 * event loops are handled in arrival order, never interleaved. Keys without pending work take no memory.
 */
final class KeyedSequencer {

  private final ConcurrentHashMap<String, Future<Void>> tails = new ConcurrentHashMap<>();

  Future<Void> submit(String key, Supplier<Future<?>> task) {
    Promise<Void> done = Promise.promise();
    Future<Void> mine = done.future();
    Future<Void> previous = tails.put(key, mine);
    Runnable run = () -> {
      Future<?> f;
      try {
        f = task.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        tails.remove(key, mine);
        if (ar.failed()) {
          done.fail(ar.cause());
        } else {
          done.complete();
        }
      });
    };
    if (previous == null) {
      run.run();
    } else {
      previous.onComplete(ar -> run.run());
    }
    return mine;
  }

  int pending() {
    return tails.size();
  }
}
