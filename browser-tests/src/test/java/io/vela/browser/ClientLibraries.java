package io.vela.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The browser MQTT clients under test, installed from npm at the versions pinned in src/test/web/package.json and
 * package-lock.json ({@code npm ci} into target/browser-clients, once per checkout) and served by {@link PageServer}.
 */
public final class ClientLibraries {

  private static final Path SOURCE = Path.of("src", "test", "web");
  private static final Path WORK = Path.of("target", "browser-clients");

  /** The browser files of each package, as the page loads them (/lib/NAME). */
  private static final Map<String, Path> FILES = Map.of(
      "mqtt.min.js", Path.of("node_modules", "mqtt", "dist", "mqtt.min.js"),
      "paho-mqtt.js", Path.of("node_modules", "paho-mqtt", "paho-mqtt.js"));

  private static Path installed;

  private ClientLibraries() {
  }

  /** Installs the packages if needed and returns the directory that holds node_modules. */
  public static synchronized Path install() throws IOException, InterruptedException {
    if (installed != null) {
      return installed;
    }
    Files.createDirectories(WORK);
    Path lock = WORK.resolve("package-lock.json");
    boolean upToDate = Files.exists(lock)
        && Files.mismatch(lock, SOURCE.resolve("package-lock.json")) == -1
        && FILES.values().stream().allMatch(f -> Files.isRegularFile(WORK.resolve(f)));
    if (!upToDate) {
      for (String f : List.of("package.json", "package-lock.json")) {
        Files.copy(SOURCE.resolve(f), WORK.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
      npmCi();
    }
    installed = WORK.toAbsolutePath();
    return installed;
  }

  /** /lib file name to file on disk. */
  public static Map<String, Path> files() {
    return FILES;
  }

  /** The installed version of an npm package, read from its package.json, e.g. "5.16.0". */
  public static String version(String npmPackage) {
    try {
      JsonNode pkg = new ObjectMapper().readTree(
          WORK.resolve("node_modules").resolve(npmPackage).resolve("package.json").toFile());
      return pkg.path("version").asText("?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static void npmCi() throws IOException, InterruptedException {
    Path log = WORK.resolve("npm-ci.log");
    Process npm;
    try {
      npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(WORK.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IOException("cannot run npm: Node.js and npm must be on the PATH for the browser tests "
          + "(bin/test installs them) - " + e.getMessage(), e);
    }
    if (!npm.waitFor(300, TimeUnit.SECONDS)) {
      npm.destroyForcibly();
      throw new IOException("npm ci did not finish within 300 s; see " + log.toAbsolutePath());
    }
    if (npm.exitValue() != 0) {
      throw new IOException("npm ci failed (exit " + npm.exitValue() + "):\n"
          + Files.readString(log, StandardCharsets.UTF_8));
    }
  }
}
