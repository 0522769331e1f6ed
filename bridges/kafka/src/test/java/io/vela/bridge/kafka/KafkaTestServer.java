package io.vela.bridge.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Apache Kafka (KRaft, broker and controller in one) in a JVM of its own, from the jars the build
 * copied into {@code bridges/kafka-test-server/target/kafka-libs} (system property {@code kafka.libs}). Listens on
 * free ports of 127.0.0.1; {@link #stop()} and {@link #start()} again keep the ports and the data, which is how the
 * tests make Kafka unavailable for a while. One instance serves the whole test run ({@link #shared()}); a JVM shutdown
 * hook kills the process if nobody stopped it.
 */
public final class KafkaTestServer implements AutoCloseable {

  private static KafkaTestServer shared;

  private final Path libs;
  private final Path dir;
  private final int port;
  private final int controllerPort;
  private Process process;

  private KafkaTestServer() {
    String libsProperty = System.getProperty("kafka.libs");
    if (libsProperty == null || !Files.isDirectory(Path.of(libsProperty))) {
      throw new IllegalStateException("system property kafka.libs must name the Kafka jars directory (built by "
          + "bridges/kafka-test-server): " + libsProperty);
    }
    libs = Path.of(libsProperty);
    try {
      dir = Files.createTempDirectory("vela-kafka-");
      port = freePort();
      controllerPort = freePort();
      writeConfig();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kill();
      deleteDir();
    }, "kafka-test-server-kill"));
    format();
  }

  /** The run's Kafka, started on first use. */
  public static synchronized KafkaTestServer shared() {
    if (shared == null) {
      shared = new KafkaTestServer();
    }
    shared.start();
    return shared;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  /** Starts the broker (no-op when running) and waits until it accepts connections. */
  public synchronized void start() {
    if (running()) {
      return;
    }
    List<String> cmd = java("-Xms128m", "-Xmx256m", "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
        "kafka.Kafka", dir.resolve("server.properties").toString());
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (!accepts()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Kafka exited with " + process.exitValue() + ", see " + dir.resolve("kafka.log"));
      }
      if (System.nanoTime() > deadline) {
        kill();
        throw new IllegalStateException("Kafka did not listen within 180 s, see " + dir.resolve("kafka.log"));
      }
      try {
        process.waitFor(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Stops the broker cleanly (SIGTERM, then kill after 60 s) and waits until it is gone; keeps its data. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
    deleteDir();
  }

  private synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void format() {
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    List<String> cmd = java("-Xmx256m", "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
        "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", dir.resolve("server.properties").toString(),
        "--ignore-formatted");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("format.log").toFile())).start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("Kafka storage format did not finish within 180 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("Kafka storage format failed, see " + dir.resolve("format.log"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private List<String> java(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(libs.toAbsolutePath() + "/*");
    cmd.addAll(List.of(args));
    return cmd;
  }

  private void writeConfig() throws IOException {
    String server = String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=true",
        // the log cleaner's offset map takes 128 MiB of the 256 MiB heap by default: a start then sometimes dies of
        // OutOfMemoryError (seen once in a full run); the tests' compacted topics need far less
        "log.cleaner.dedupe.buffer.size=8388608",
        "");
    Files.writeString(dir.resolve("server.properties"), server);
    String log4j = String.join("\n",
        "rootLogger.level=WARN",
        "rootLogger.appenderRef.out.ref=out",
        "appender.out.type=Console",
        "appender.out.name=out",
        "appender.out.layout.type=PatternLayout",
        "appender.out.layout.pattern=%d %p %c{1} %m%n",
        "");
    Files.writeString(dir.resolve("log4j2.properties"), log4j);
  }

  private void deleteDir() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
