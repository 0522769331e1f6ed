package io.vela.bench.jmh;

import io.vela.api.Message;
import io.vela.api.Subscriber;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import java.lang.reflect.Proxy;

/** A subscriber that only counts what it is given; its context is a stub (see {@link #inlineContext}). */
final class FakeSubscriber implements Subscriber {

  private final String id;
  private final Context context;
  long delivered;

  FakeSubscriber(String id, Context context) {
    this.id = id;
    this.context = context;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public void deliver(Message message, int qos, boolean retainFlag, int[] subscriptionIds) {
    delivered++;
  }

  /**
   * A stand-in for an event-loop context that runs {@code runOnContext} tasks inline and counts them, so the
   * dispatcher's grouping is measured without the cross-thread hand-off. Every other method fails.
   */
  static Context inlineContext(long[] tasks) {
    return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "runOnContext" -> {
              tasks[0]++;
              @SuppressWarnings("unchecked")
              Handler<Void> h = (Handler<Void>) args[0];
              h.handle(null);
              return null;
            }
            case "hashCode" -> {
              return System.identityHashCode(proxy);
            }
            case "equals" -> {
              return proxy == args[0];
            }
            case "toString" -> {
              return "inline-context@" + Integer.toHexString(System.identityHashCode(proxy));
            }
            default -> throw new UnsupportedOperationException(method.getName());
          }
        });
  }
}
