package io.vela.it;

import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Keycloak (the Quarkus distribution Maven unpacks into {@code target/keycloak}, see broker/pom.xml) started
 * with {@code kc.sh start-dev} on two free ports of 127.0.0.1, importing one realm written by the test, with an
 * in-memory database: nothing of a run is kept. Ready when {@code /health/ready} on the management port answers 200
 * (polled). {@link #close()} ends the process tree and deletes the run's {@code data} directory.
 */
final class KeycloakServer implements AutoCloseable {

  /** Keycloak 26 needs Java 21 or newer; the tests themselves run on 17. */
  static final int MIN_JAVA = 21;

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path home;
  private final Process process;
  private final Path log;
  private final int httpPort;
  private final int managementPort;
  private final String adminPassword;
  private final Thread reaper;

  private KeycloakServer(Path home, Process process, Path log, int httpPort, int managementPort,
                         String adminPassword) {
    this.home = home;
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.adminPassword = adminPassword;
    // a test JVM that dies (failsafe timeout, Ctrl-C) must not leave a Keycloak running
    this.reaper = new Thread(this::destroyTree, "keycloak-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** The unpacked distribution: system property {@code keycloak.home} (set by broker/pom.xml for failsafe). */
  static Path home() {
    String home = System.getProperty("keycloak.home");
    if (home == null || home.isBlank()) {
      throw new IllegalStateException("system property keycloak.home is not set: run this test through Maven "
          + "(broker/pom.xml unpacks org.keycloak:keycloak-quarkus-dist and sets it)");
    }
    Path p = Path.of(home).toAbsolutePath();
    if (!Files.isRegularFile(p.resolve("bin/kc.sh"))) {
      throw new IllegalStateException("no Keycloak distribution at " + p + " (bin/kc.sh missing)");
    }
    return p;
  }

  /**
   * A JDK to run Keycloak with: system property {@code keycloak.java.home}, else environment variable
   * {@code KEYCLOAK_JAVA_HOME}, else this JVM when it is new enough, else the newest JDK of at least
   * {@value #MIN_JAVA} among {@code JAVA_HOME}, {@code JAVA_HOME_*} (as CI runners set them) and /usr/lib/jvm/*
   * (Temurin 25 on CI).
   */
  static Path javaHome() {
    String explicit = Optional.ofNullable(System.getProperty("keycloak.java.home"))
        .orElse(System.getenv("KEYCLOAK_JAVA_HOME"));
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    if (Runtime.version().feature() >= MIN_JAVA) {
      return Path.of(System.getProperty("java.home"));
    }
    List<Path> candidates = new ArrayList<>();
    System.getenv().forEach((k, v) -> {
      if ((k.equals("JAVA_HOME") || k.startsWith("JAVA_HOME_")) && !v.isBlank()) {
        candidates.add(Path.of(v));
      }
    });
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> dirs = Files.list(jvms)) {
        dirs.forEach(candidates::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return candidates.stream().filter(d -> Files.isExecutable(d.resolve("bin/java")))
        .filter(d -> featureVersion(d) >= MIN_JAVA)
        .max(Comparator.comparingInt(KeycloakServer::featureVersion))
        .orElseThrow(() -> new IllegalStateException("Keycloak needs Java " + MIN_JAVA + "+: none in JAVA_HOME, "
            + "JAVA_HOME_* or /usr/lib/jvm; set -Dkeycloak.java.home=... or KEYCLOAK_JAVA_HOME"));
  }

  /** The feature version from a JDK's {@code release} file (JAVA_VERSION="25.0.1"), 0 when unknown. */
  private static int featureVersion(Path jdk) {
    try {
      for (String line : Files.readAllLines(jdk.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          String first = v.split("[.+-]")[0];
          return Integer.parseInt(first.equals("1") ? v.split("\\.")[1] : first);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /**
   * Starts Keycloak importing {@code realm} and waits until it is ready, at most {@code timeout}; fails with the end
   * of Keycloak's log when the process exits or is not ready in time.
   */
  static KeycloakServer start(JsonObject realm, Duration timeout) throws IOException {
    Path home = home();
    Path data = home.resolve("data");
    deleteTree(data); // a run that was killed may have left one
    Path imports = Files.createDirectories(data.resolve("import"));
    Files.writeString(imports.resolve(realm.getString("realm") + "-realm.json"), realm.encodePrettily());
    int httpPort = freePort();
    int managementPort = freePort();
    while (managementPort == httpPort) {
      managementPort = freePort();
    }
    String adminPassword = UUID.randomUUID().toString();
    Path log = home.getParent().resolve("keycloak.log");
    ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
        "--http-host=127.0.0.1", "--http-port=" + httpPort, "--http-management-port=" + managementPort,
        "--health-enabled=true", "--db=dev-mem", "--import-realm")
        .directory(home.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("KC_") || k.startsWith("KEYCLOAK_") || k.startsWith("QUARKUS_")
        || k.startsWith("JAVA_OPTS"));
    env.put("JAVA_HOME", javaHome().toString());
    env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
    env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
    env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
    KeycloakServer kc = new KeycloakServer(home, pb.start(), log, httpPort, managementPort, adminPassword);
    try {
      URI ready = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
      await("Keycloak ready at " + ready).atMost(timeout).pollInterval(Duration.ofMillis(500))
          .failFast("Keycloak exited", () -> !kc.process.isAlive())
          .ignoreExceptions()
          .until(() -> HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    } catch (Throwable e) {
      String tail = kc.logTail(40);
      kc.close();
      throw new IllegalStateException("Keycloak did not become ready (" + e.getMessage() + "); end of " + log
          + ":\n" + tail, e);
    }
    return kc;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** The process and its descendants while Keycloak runs (kc.sh execs java, the build step runs in a child). */
  List<ProcessHandle> processTree() {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(process.toHandle());
    process.descendants().forEach(tree::add);
    return tree;
  }

  // ---------------------------------------------------------------- HTTP

  /** POSTs a form and returns the JSON answer; fails on a status other than 200. */
  JsonObject postForm(String path, Map<String, String> form, String basicUser, String basicPassword)
      throws IOException, InterruptedException {
    String body = form.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (basicUser != null) {
      req.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
          (enc(basicUser) + ":" + enc(basicPassword)).getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> resp = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200) {
      throw new IllegalStateException("POST " + path + ": HTTP " + resp.statusCode() + " " + resp.body());
    }
    return new JsonObject(resp.body());
  }

  /** An access token with the client credentials grant, exactly as a device gets one. */
  String clientCredentialsToken(String realm, String clientId, String secret)
      throws IOException, InterruptedException {
    return postForm("/realms/" + realm + "/protocol/openid-connect/token",
        Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret), null, null)
        .getString("access_token");
  }

  /** GET, public endpoints (discovery, JWKS). */
  JsonObject getJson(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET(), 200).map(JsonObject::new)
        .orElseThrow();
  }

  /** The admin REST API ({@code /admin/realms/...}) with a fresh token of the bootstrap admin. */
  Optional<String> admin(String method, String path, JsonObject body, int expectedStatus)
      throws IOException, InterruptedException {
    String token = postForm("/realms/master/protocol/openid-connect/token", Map.of("grant_type", "password",
        "client_id", "admin-cli", "username", "admin", "password", adminPassword), null, null)
        .getString("access_token");
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(baseUrl() + "/admin" + path))
        .header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      req.header("Content-Type", "application/json");
    }
    return send(req, expectedStatus);
  }

  private static Optional<String> send(HttpRequest.Builder req, int expectedStatus)
      throws IOException, InterruptedException {
    HttpRequest r = req.timeout(Duration.ofSeconds(30)).build();
    HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != expectedStatus) {
      throw new IllegalStateException(r.method() + " " + r.uri() + ": HTTP " + resp.statusCode() + " (expected "
          + expectedStatus + ") " + resp.body());
    }
    return resp.body().isEmpty() ? Optional.empty() : Optional.of(resp.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- stop

  private void destroyTree() {
    List<ProcessHandle> tree = processTree();
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** Ends Keycloak (SIGTERM, then SIGKILL after 30 s) and deletes its data directory (realm import, logs). */
  @Override
  public void close() {
    destroyTree();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    try {
      process.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Keycloak did not exit", e);
    }
    deleteTree(home.resolve("data"));
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
