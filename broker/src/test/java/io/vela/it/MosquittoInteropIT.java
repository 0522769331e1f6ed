package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interoperability with the Eclipse Mosquitto command-line clients (Debian package mosquitto-clients, installed by
 * bin/test): what mosquitto_pub sends through Vela, mosquitto_sub receives, for MQTT 3.1.1 and 5, QoS 0/1/2, retained
 * messages and wills.
 */
class MosquittoInteropIT {

  private static final Duration WAIT = Duration.ofSeconds(10);
  /** mosquitto_sub prints each message as one line in this format (topic, QoS, retain flag, payload). */
  private static final String FORMAT = "MSG|%t|%q|%r|%p";
  private static final AtomicInteger IDS = new AtomicInteger();

  static TestBroker broker;
  static String mosquittoPub;
  static String mosquittoSub;

  @TempDir
  Path dir;

  private final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void start() {
    mosquittoPub = onPath("mosquitto_pub");
    mosquittoSub = onPath("mosquitto_sub");
    broker = TestBroker.start();
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : processes) {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @ParameterizedTest(name = "mosquitto_pub {1} -> mosquitto_sub {0}, QoS {2}")
  @CsvSource({
      "mqttv311, mqttv311, 0", "mqttv311, mqttv311, 1", "mqttv311, mqttv311, 2",
      "mqttv5, mqttv5, 0", "mqttv5, mqttv5, 1", "mqttv5, mqttv5, 2",
      "mqttv311, mqttv5, 2", "mqttv5, mqttv311, 1"})
  @DisplayName("mosquitto_sub receives what mosquitto_pub publishes through Vela, at the QoS it was sent with")
  void mosquittoSubReceivesWhatMosquittoPubSends(String subVersion, String pubVersion, int qos) throws Exception {
    String topic = "interop/" + subVersion + "/" + pubVersion + "/" + qos;
    String payload = "hello " + pubVersion + " qos" + qos;
    Subscriber sub = subscribe(subVersion, topic, qos, 1);
    publish(pubVersion, "-t", topic, "-q", String.valueOf(qos), "-m", payload);
    assertThat(sub.messages()).containsExactly("MSG|" + topic + "|" + qos + "|0|" + payload);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  @DisplayName("a retained message from mosquitto_pub -r reaches a later mosquitto_sub with the retain flag; an empty "
      + "retained message clears it")
  void retainedMessageReachesALaterSubscriber(String version) throws Exception {
    String topic = "interop/retained/" + version;
    publish(version, "-t", topic, "-q", "1", "-r", "-m", "kept");
    Subscriber late = subscribe(version, topic, 1, 1);
    assertThat(late.messages()).containsExactly("MSG|" + topic + "|1|1|kept");

    publish(version, "-t", topic, "-q", "1", "-r", "-n");
    assertThat(broker.broker().registry().dispatcher().retained().match(topic)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  @DisplayName("the will of a mosquitto_sub that is killed (no DISCONNECT) reaches another mosquitto_sub")
  void willOfAKilledClientIsPublished(String version) throws Exception {
    String willTopic = "interop/will/" + version;
    Subscriber watcher = subscribe(version, willTopic, 1, 1);
    Subscriber doomed = subscribe(version, "interop/will/unused", 0, 1, "--will-topic", willTopic,
        "--will-payload", "gone", "--will-qos", "1");
    doomed.process.destroyForcibly();
    assertThat(watcher.messages()).containsExactly("MSG|" + willTopic + "|1|0|gone");
  }

  // ---------------------------------------------------------------- helpers

  /** A running mosquitto_sub that has its SUBACK; {@link #messages()} waits for it to exit after -C messages. */
  private final class Subscriber {
    final Process process;
    final Path out;

    Subscriber(Process process, Path out) {
      this.process = process;
      this.out = out;
    }

    List<String> messages() throws Exception {
      assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("mosquitto_sub got its messages and exited; output:%n%s", read(out)).isTrue();
      assertThat(process.exitValue()).as("mosquitto_sub exit code; output:%n%s", read(out)).isZero();
      return read(out).lines().filter(l -> l.startsWith("MSG|")).toList();
    }
  }

  private Subscriber subscribe(String version, String topic, int qos, int count, String... extra) throws Exception {
    String id = "mosq-sub-" + IDS.incrementAndGet();
    List<String> cmd = new ArrayList<>(List.of(mosquittoSub, "-h", broker.host(), "-p", String.valueOf(broker.port()),
        "-V", version, "-i", id, "-t", topic, "-q", String.valueOf(qos), "-C", String.valueOf(count),
        "-W", String.valueOf(WAIT.toSeconds()), "-F", FORMAT, "-d"));
    cmd.addAll(List.of(extra));
    Path out = dir.resolve(id + ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    processes.add(p);
    // mosquitto_sub's own output is block-buffered when it is not a terminal, so ask the broker: once the
    // subscription is in its trie (it is added before the SUBACK is sent), a publish cannot race it
    await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).failFast("mosquitto_sub exited early",
            () -> !p.isAlive() && !read(out).contains("MSG|"))
        .until(() -> isSubscribed(id, topic) || !p.isAlive());
    return new Subscriber(p, out);
  }

  private static boolean isSubscribed(String clientId, String filter) {
    return broker.broker().registry().dispatcher().trie().match(filter).stream()
        .anyMatch(sub -> sub.subscriber().id().equals(clientId) && sub.filter().equals(filter));
  }

  private void publish(String version, String... args) throws Exception {
    String id = "mosq-pub-" + IDS.incrementAndGet();
    List<String> cmd = new ArrayList<>(List.of(mosquittoPub, "-h", broker.host(), "-p", String.valueOf(broker.port()),
        "-V", version, "-i", id));
    cmd.addAll(List.of(args));
    Path out = dir.resolve(id + ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    processes.add(p);
    assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("mosquitto_pub finished").isTrue();
    assertThat(p.exitValue()).as("mosquitto_pub exit code; output:%n%s", read(out)).isZero();
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  private static String onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(d, program);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(program + " is not on PATH: install the mosquitto clients (Debian/Ubuntu: apt-get "
        + "install mosquitto-clients; bin/test does it when run as root)");
  }
}
