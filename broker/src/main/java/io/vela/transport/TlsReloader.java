package io.vela.transport;

import io.vela.config.TlsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the certificates of one running TLS listener without a restart: on request (the event-bus address
 * {@code vela.tls.reload}) and, with {@code reload-interval-seconds} > 0, when a file's modification time or size
 * changes. New files are checked like at start; if they are bad the listener keeps its current certificates.
 * Connections already open keep the certificates they were opened with.
 */
public final class TlsReloader {

  private static final Logger LOG = LoggerFactory.getLogger(TlsReloader.class);

  /** What a reload did. */
  public enum Outcome { RELOADED, UNCHANGED }

  private final Vertx vertx;
  private final String name;
  private final TlsConfig tls;
  private final List<ListenerVerticle> instances;
  private long timer = -1;
  /** The files' modification times and sizes when last looked at (touched only on the timer's context). */
  private List<String> lastSeen;

  /** @param instances every verticle instance of the listener (all share one server) */
  public TlsReloader(Vertx vertx, String name, TlsConfig tls, List<ListenerVerticle> instances) {
    this.vertx = vertx;
    this.name = name;
    this.tls = tls;
    this.instances = List.copyOf(instances);
  }

  /** Starts watching the files if {@code reload-interval-seconds} > 0. */
  public Future<Void> start() {
    if (tls.reloadIntervalSeconds <= 0) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(this::fingerprint, false).map(f -> {
      lastSeen = f;
      timer = vertx.setPeriodic(tls.reloadIntervalSeconds * 1000L, id -> check());
      return null;
    });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void check() {
    vertx.executeBlocking(this::fingerprint, false).onSuccess(now -> {
      if (now.equals(lastSeen)) {
        return;
      }
      lastSeen = now;
      reload("file change");
    });
  }

  private List<String> fingerprint() {
    List<String> f = new ArrayList<>();
    for (Path p : ServerTls.files(tls)) {
      try {
        f.add(p + "@" + Files.getLastModifiedTime(p).toMillis() + "/" + Files.size(p));
      } catch (IOException e) {
        f.add(p + "@missing");
      }
    }
    return f;
  }

  /**
   * Reads the files again and hands the new certificates to every instance of the listener. Fails (and the
   * listener keeps its certificates) when the files are bad.
   *
   * @param why for the log line, e.g. "file change" or "request"
   */
  public Future<Outcome> reload(String why) {
    String key = ListenerOptions.tlsKey(name);
    return vertx.executeBlocking(() -> ServerTls.load(key, tls), false)
        .compose(loaded -> {
          List<Future<Boolean>> updates = new ArrayList<>();
          for (ListenerVerticle v : instances) {
            updates.add(v.updateTls(loaded.options()));
          }
          return Future.all(updates).map(all -> {
            boolean changed = updates.stream().anyMatch(Future::result);
            if (changed) {
              LOG.info("listener {}: TLS certificates reloaded ({}): {}", name, why, loaded.describe());
              return Outcome.RELOADED;
            }
            LOG.info("listener {}: TLS files unchanged ({}), nothing to reload", name, why);
            return Outcome.UNCHANGED;
          });
        })
        .onFailure(e -> LOG.warn("listener {}: TLS reload ({}) failed, keeping the current certificates: {}", name,
            why, e.getMessage()));
  }
}
