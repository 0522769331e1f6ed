package io.vela.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serves the test page and the client libraries to the browsers over HTTP on a free port of 127.0.0.1 (no CDN, no
 * internet): {@code /} the page, {@code /NAME.js} the page's scripts (src/test/web/page), {@code /lib/NAME} the npm
 * packages' browser bundles. Only those files exist; everything else is 404.
 */
public final class PageServer implements AutoCloseable {

  private static final Path PAGE = Path.of("src", "test", "web", "page");

  private final HttpServer server;
  private final Map<String, Path> files = new LinkedHashMap<>();

  private PageServer(HttpServer server) {
    this.server = server;
  }

  public static PageServer start() throws IOException, InterruptedException {
    Path clients = ClientLibraries.install();
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    PageServer s = new PageServer(http);
    try (var page = Files.list(PAGE)) {
      page.forEach(f -> s.files.put("/" + f.getFileName(), f.toAbsolutePath()));
    }
    s.files.put("/", PAGE.resolve("index.html").toAbsolutePath());
    ClientLibraries.files().forEach((name, file) -> s.files.put("/lib/" + name, clients.resolve(file)));
    http.createContext("/", s::handle);
    http.start();
    return s;
  }

  /** The page's URL. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Path file = files.get(exchange.getRequestURI().getPath());
      if (file == null || !"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = Files.readAllBytes(file);
      String name = file.getFileName().toString();
      exchange.getResponseHeaders().set("Content-Type",
          name.endsWith(".html") ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
