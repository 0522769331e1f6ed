package io.vela.session;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/** Small helpers for hopping between event-loop contexts with futures. */
final class Contexts {

  private Contexts() {
  }

  /** Runs {@code fn} on {@code ctx}; the future completes on that context's thread. */
  static <T> Future<T> onContext(Context ctx, Supplier<T> fn) {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> {
      try {
        p.complete(fn.get());
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }
}
