package io.vela;

import io.vela.auth.PasswordHash;
import io.vela.auth.UsersFile;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vela passwd FILE USER}: adds or updates a user of a users file (auth provider type file). */
@Command(name = "passwd", mixinStandardHelpOptions = true,
    description = {"Adds USER to the users FILE (created if missing) or sets a new password for it.",
        "The password is asked twice on a terminal; otherwise it is read as the first line of standard input "
            + "(e.g. printf '%%s\\n' \"$PW\" | vela passwd FILE USER). It is never taken from the command line."})
final class PasswdCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "users file")
  Path file;

  @Parameters(index = "1", paramLabel = "USER", description = "user name (no ':')")
  String user;

  @Option(names = "--iterations", paramLabel = "N", description = "PBKDF2 iterations (default: ${DEFAULT-VALUE})")
  int iterations = PasswordHash.DEFAULT_ITERATIONS;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (iterations < 10_000) {
      err.println("vela passwd: --iterations must be at least 10000");
      err.flush();
      return Main.EXIT_CONFIG;
    }
    char[] password = readPassword(err);
    if (password == null) {
      return Main.EXIT_CONFIG;
    }
    try {
      UsersFile.put(file, user, PasswordHash.hash(password, iterations));
    } catch (IllegalArgumentException e) {
      err.println("vela passwd: " + e.getMessage());
      err.flush();
      return Main.EXIT_CONFIG;
    } finally {
      Arrays.fill(password, '\0');
    }
    out.println("vela passwd: user " + user + " written to " + file);
    out.flush();
    return 0;
  }

  private char[] readPassword(PrintWriter err) throws Exception {
    Console console = System.console();
    char[] password;
    if (console != null) {
      password = console.readPassword("Password for %s: ", user);
      char[] again = console.readPassword("Again: ");
      if (password == null || again == null || !Arrays.equals(password, again)) {
        err.println("vela passwd: the passwords differ; nothing written");
        err.flush();
        return null;
      }
      Arrays.fill(again, '\0');
    } else {
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      password = line == null ? null : line.toCharArray();
    }
    if (password == null || password.length == 0) {
      err.println("vela passwd: empty password; nothing written");
      err.flush();
      return null;
    }
    return password;
  }
}
