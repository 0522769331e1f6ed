package io.vela.console;

import io.vela.VelaBroker;
import io.vela.config.ListenerConfig;
import io.vela.config.VelaConfig;
import io.vela.config.WebSocketConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A broker in this JVM with the console on a free port of 127.0.0.1 and MQTT over TCP and WebSocket on port 0; users
 * {@code admin} (admin) and {@code viewer} (read-only), API keys {@link #ADMIN_KEY} and {@link #READ_KEY}.
 */
final class ConsoleBroker implements AutoCloseable {

  static final String ADMIN_PASSWORD = "correct horse battery";
  static final String VIEWER_PASSWORD = "viewer password 1";
  static final String ADMIN_KEY = AdminSecrets.newKey();
  static final String READ_KEY = AdminSecrets.newKey();

  final VelaBroker broker;
  final int consolePort;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private ConsoleBroker(VelaBroker broker, int consolePort) {
    this.broker = broker;
    this.consolePort = consolePort;
  }

  static ConsoleBroker start() {
    return start(port -> null);
  }

  /** @param oidc the admin.oidc section for the console's port, or null */
  static ConsoleBroker start(java.util.function.IntFunction<JsonObject> oidc) {
    int port = freePort();
    VelaConfig config = VelaConfig.forTests();
    config.eventLoops = 2;
    config.shutdownTimeoutSeconds = 5;
    ListenerConfig ws = new ListenerConfig();
    ws.type = "ws";
    ws.bind = "127.0.0.1";
    ws.port = 0;
    ws.websocket = new WebSocketConfig();
    config.listeners.put("ws", ws);
    config.extensions.put("admin", new JsonObject().put("bind", "127.0.0.1").put("port", port)
        .put("users", new JsonArray()
            .add(new JsonObject().put("username", "admin").put("password-hash", AdminAccounts.hash(ADMIN_PASSWORD)))
            .add(new JsonObject().put("username", "viewer").put("role", "read-only")
                .put("password-hash", AdminAccounts.hash(VIEWER_PASSWORD))))
        .put("api-keys", new JsonArray()
            .add(new JsonObject().put("name", "ci").put("sha256", AdminAccounts.sha256(ADMIN_KEY)))
            .add(new JsonObject().put("name", "grafana").put("role", "read-only")
                .put("sha256", AdminAccounts.sha256(READ_KEY)))));
    JsonObject oidcSection = oidc.apply(port);
    if (oidcSection != null) {
      config.extensions.get("admin").put("oidc", oidcSection);
    }
    try {
      return new ConsoleBroker(VelaBroker.start(config).toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS), port);
    } catch (Exception e) {
      throw new IllegalStateException("broker did not start", e);
    }
  }

  /** A port that was free a moment ago (the console's port is configured, not chosen by the server). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  int mqttPort() {
    return broker.port("tcp");
  }

  int wsPort() {
    return broker.port("ws");
  }

  String base() {
    return "http://127.0.0.1:" + consolePort;
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GET with an API key. */
  HttpResponse<String> get(String path, String key) {
    return send(request(path).header("Authorization", "Bearer " + key).GET().build());
  }

  /** A method with a JSON body (or none) and an API key. */
  HttpResponse<String> call(String method, String path, String key, JsonObject body) {
    HttpRequest.Builder b = request(path).header("Authorization", "Bearer " + key);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  @Override
  public void close() {
    try {
      broker.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("broker did not stop", e);
    }
  }
}
