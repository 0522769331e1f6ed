package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code vela} command as an operator runs it: {@code java -jar target/vela-broker.jar -c FILE} in its own process (the
 * jar is built by {@code package}, before failsafe runs). Exit codes, what lands on stdout/stderr, and SIGTERM.
 */
class MainCliIT {

  private static final Path JAR = Path.of("target", "vela-broker.jar");
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
  private static final Pattern LISTENER_LINE =
      Pattern.compile("listener tcp: MQTT over tcp on 127\\.0\\.0\\.1:(\\d+)");
  private static final int SHUTDOWN_TIMEOUT_SECONDS = 20;

  @TempDir
  Path dir;

  private Process process;

  @BeforeAll
  static void jarIsBuilt() {
    assertThat(JAR).as("the runnable jar (built by 'package'; failsafe runs in the broker module directory)")
        .isRegularFile();
  }

  @AfterEach
  void killProcess() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("an unknown config key: exit code 2 and one line on stderr naming the key, no stack trace")
  void unknownConfigKeyExitsWithCode2AndOneLine() throws Exception {
    Path config = config("mqtt:\n  max-pakcet-size: 2048\n");
    process = start(config, Map.of());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    List<String> err = nonEmptyLines(stderr());
    assertThat(err).hasSize(1);
    assertThat(err.get(0)).startsWith("vela: ").contains("'mqtt.max-pakcet-size'").contains(config.toString());
    assertThat(stderr() + stdout()).doesNotContain("at io.").doesNotContain("Exception");
  }

  @Test
  @DisplayName("a TLS certificate file that does not exist: exit code 2 and one line naming the key and the file")
  void missingCertificateExitsWithCode2AndOneLine() throws Exception {
    Path cert = dir.resolve("missing.crt");
    process = start(config("listeners:\n  tcp:\n    bind: 127.0.0.1\n    port: 0\n  secure:\n    type: tls\n"
        + "    bind: 127.0.0.1\n    port: 0\n    tls:\n      cert: " + cert + "\n      key: " + dir.resolve("k.key")
        + "\n"), Map.of());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    List<String> err = nonEmptyLines(stderr());
    assertThat(err).hasSize(1);
    assertThat(err.get(0)).startsWith("vela: ").contains("'listeners.secure.tls.cert'").contains(cert.toString())
        .contains("not found");
  }

  @Test
  @DisplayName("a port already in use: exit code 1 and a message naming the port, no stack trace on stderr")
  void portInUseExitsWithCode1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      process = start(config("listeners:\n  tcp:\n    bind: 0.0.0.0\n    port: 1883\n"),
          Map.of("VELA_LISTENERS__TCP__PORT", String.valueOf(port), "VELA_LISTENERS__TCP__BIND", "127.0.0.1"));
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(process.exitValue()).isEqualTo(1);
      assertThat(stderr()).startsWith("vela: ").contains("127.0.0.1:" + port).doesNotContain("at io.");
    }
  }

  @Test
  @DisplayName("a good start prints the listener line, serves clients and on SIGTERM disconnects them with 0x8B and "
      + "exits 0 within the shutdown timeout")
  void startServeAndStopOnSigterm() throws Exception {
    process = start(config("listeners:\n  tcp:\n    bind: 127.0.0.1\n    port: 0\n"
        + "mqtt:\n  allow-anonymous: true\n"
        + "event-loops: 2\nshutdown-timeout-seconds: " + SHUTDOWN_TIMEOUT_SECONDS + "\n"), Map.of());
    int port = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> listenerPort(), p -> p > 0 || !process.isAlive());
    assertThat(process.isAlive()).as("still running; stderr: %s", stderr()).isTrue();

    CompletableFuture<MqttClientDisconnectedContext> gone = new CompletableFuture<>();
    Mqtt5BlockingClient client = Mqtt5Client.builder().identifier("cli-client").serverHost("127.0.0.1")
        .serverPort(port).addDisconnectedListener(gone::complete).buildBlocking();
    client.connect();
    ConnectIT.assertWorks(client, "cli/roundtrip");

    long start = System.nanoTime();
    process.destroy(); // SIGTERM
    assertThat(process.waitFor(SHUTDOWN_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(process.exitValue()).as("exit code; stdout: %s", stdout()).isZero();
    assertThat(elapsedMs).isLessThan(SHUTDOWN_TIMEOUT_SECONDS * 1000L);

    MqttClientDisconnectedContext ctx = gone.get(5, TimeUnit.SECONDS);
    assertThat(ctx.getCause()).isInstanceOf(Mqtt5DisconnectException.class);
    assertThat(((Mqtt5DisconnectException) ctx.getCause()).getMqttMessage().getReasonCode())
        .isEqualTo(Mqtt5DisconnectReasonCode.SERVER_SHUTTING_DOWN);
    assertThat(stderr()).doesNotContain("Exception");
  }

  @Test
  @DisplayName("vela passwd FILE USER reads the password from standard input (never the command line), writes a "
      + "salted PBKDF2 hash, replaces the user on a second run and keeps the others; an empty password writes nothing")
  void passwdWritesAndReplacesUsers() throws Exception {
    Path users = dir.resolve("users");
    assertThat(passwd(users, "alice", "first-secret\n")).isZero();
    assertThat(passwd(users, "bob", "bobs-secret\n")).isZero();
    assertThat(passwd(users, "alice", "second-secret\n")).isZero();
    java.util.Map<String, String> read = io.vela.auth.UsersFile.read(users);
    assertThat(read).containsOnlyKeys("alice", "bob");
    assertThat(read.get("alice")).startsWith("$pbkdf2-sha256$10000$").doesNotContain("second-secret");
    assertThat(io.vela.auth.PasswordHash.verify("second-secret".toCharArray(), read.get("alice"))).isTrue();
    assertThat(io.vela.auth.PasswordHash.verify("first-secret".toCharArray(), read.get("alice"))).isFalse();
    assertThat(passwd(users, "carol", "")).isEqualTo(2);
    assertThat(io.vela.auth.UsersFile.read(users)).doesNotContainKey("carol");
  }

  private int passwd(Path users, String user, String stdin) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(JAVA.toString(), "-Xmx128m", "-jar", JAR.toString(), "passwd",
        "--iterations", "10000", users.toString(), user);
    pb.redirectOutput(dir.resolve("stdout.txt").toFile());
    pb.redirectError(dir.resolve("stderr.txt").toFile());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("vela passwd exited").isTrue();
    return p.exitValue();
  }

  // ---------------------------------------------------------------- helpers

  private Path config(String yaml) throws IOException {
    Path file = dir.resolve("vela.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private Process start(Path config, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(JAVA.toString(), "-Xmx128m", "-jar", JAR.toString(), "-c",
        config.toString());
    pb.environment().keySet().removeIf(k -> k.startsWith("VELA_"));
    pb.environment().putAll(env);
    pb.redirectOutput(dir.resolve("stdout.txt").toFile());
    pb.redirectError(dir.resolve("stderr.txt").toFile());
    return pb.start();
  }

  private String stdout() throws IOException {
    return read(dir.resolve("stdout.txt"));
  }

  private String stderr() throws IOException {
    return read(dir.resolve("stderr.txt"));
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  private static List<String> nonEmptyLines(String text) {
    return text.lines().filter(l -> !l.isBlank()).toList();
  }

  private int listenerPort() throws IOException {
    Matcher m = LISTENER_LINE.matcher(stdout());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }
}
