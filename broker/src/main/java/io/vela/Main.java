package io.vela;

import io.vela.config.ConfigException;
import io.vela.config.ConfigLoader;
import io.vela.config.VelaConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code vela} command: starts the broker. */
@Command(name = "vela", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    subcommands = PasswdCommand.class,
    description = "Vela MQTT broker (MQTT 3.1, 3.1.1 and 5.0).",
    footer = {"", "Every config key can be overridden with an environment variable: VELA_ + the key path, levels "
        + "separated by __, dashes as _, e.g. VELA_MQTT__MAX_PACKET_SIZE=65536 or VELA_LISTENERS__TCP__PORT=1884."})
public final class Main implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  static final int EXIT_CONFIG = 2;
  static final int EXIT_START = 1;

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML configuration file (default: built-in defaults, overridable by VELA_* variables).")
  Path config;

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    VelaConfig cfg;
    try {
      cfg = config == null
          ? ConfigLoader.parse("", "defaults", System.getenv())
          : ConfigLoader.load(config, System.getenv());
    } catch (ConfigException e) {
      err.println("vela: " + e.getMessage());
      err.flush();
      return EXIT_CONFIG;
    }
    VelaBroker broker;
    try {
      broker = VelaBroker.start(cfg).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConfigException) {
        // found only when starting, e.g. a TLS certificate file that is missing or does not match its key
        err.println("vela: " + cause.getMessage());
        err.flush();
        return EXIT_CONFIG;
      }
      err.println("vela: " + (cause instanceof VelaBroker.ListenerException ? cause.getMessage() : cause));
      err.flush();
      return EXIT_START;
    }
    LOG.info("Vela {} started{}", VelaBroker.version(), config == null ? "" : " with " + config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down: disconnecting clients");
      int exitCode = EXIT_START;
      try {
        broker.stop().toCompletionStage().toCompletableFuture().get(cfg.shutdownTimeoutSeconds + 5L,
            TimeUnit.SECONDS);
        LOG.info("stopped");
        exitCode = 0;
      } catch (Exception e) {
        LOG.warn("shutdown did not complete cleanly: {}", e.toString());
      } finally {
        stopped.countDown();
      }
      // The JVM reports 128 + signal (143 for SIGTERM) whatever a hook does; a graceful stop is a normal end for an
      // operator or a service manager, so say how it went: 0 when it completed, 1 when it did not.
      Runtime.getRuntime().halt(exitCode);
    }, "vela-shutdown"));
    stopped.await();
    return 0;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vela " + VelaBroker.version()};
    }
  }
}
