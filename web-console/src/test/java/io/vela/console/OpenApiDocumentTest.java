package io.vela.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vela.api.BrokerContext;
import io.vela.api.ManagedComponent;
import io.vela.api.Message;
import io.vela.api.Subscriber;
import io.vela.api.SubscriptionOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** openapi.json describes exactly the routes ApiRoutes (and the login routes) serve. */
class OpenApiDocumentTest {

  /** Routes mounted by ConsoleVerticle itself, outside ApiRoutes. */
  private static final Set<String> VERTICLE_ROUTES = Set.of("POST /login", "POST /logout", "GET /me",
      "GET /auth-methods", "GET /oidc/login", "GET /oidc/callback",
      "GET /openapi.json");

  @Test
  @DisplayName("every route is in the document and every documented operation is a route")
  void documentMatchesRoutes() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      new ApiRoutes(new NoBroker(vertx)).mount(router);
      Set<String> routes = new TreeSet<>(VERTICLE_ROUTES);
      for (Route r : router.getRoutes()) {
        String path = r.getPath().substring(ApiRoutes.PREFIX.length()).replaceAll(":([A-Za-z]+)", "{$1}");
        for (HttpMethod m : r.methods()) {
          routes.add(m.name() + " " + path);
        }
      }
      JsonObject doc;
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(ConsoleVerticle.OPENAPI)) {
        doc = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      Set<String> documented = new TreeSet<>();
      JsonObject paths = doc.getJsonObject("paths");
      for (String p : paths.fieldNames()) {
        for (String method : paths.getJsonObject(p).fieldNames()) {
          documented.add(method.toUpperCase(Locale.ROOT) + " " + p);
        }
      }
      assertThat(documented).isEqualTo(routes);
      assertThat(doc.getJsonArray("servers").getJsonObject(0).getString("url")).isEqualTo(ApiRoutes.PREFIX);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  /** Enough of a broker to mount the routes (no request is served). */
  private record NoBroker(Vertx vertx) implements BrokerContext {
    @Override
    public int publish(Message message) {
      throw new UnsupportedOperationException();
    }

    @Override
    public io.vertx.core.Future<Integer> publishAcknowledged(Message message) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean subscribe(Subscriber subscriber, String filter, SubscriptionOptions options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean unsubscribe(Subscriber subscriber, String filter) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void register(ManagedComponent component) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void unregister(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ManagedComponent> components() {
      return List.of();
    }

    @Override
    public io.vela.api.admin.Admin admin() {
      return null;
    }
  }
}
