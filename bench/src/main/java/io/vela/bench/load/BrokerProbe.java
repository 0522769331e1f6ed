package io.vela.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a broker process's CPU time and memory from /proc (Linux). A pid of 0 probes nothing. */
final class BrokerProbe {

  private final long pid;
  private final long clockTicks;

  BrokerProbe(long pid) {
    this.pid = pid;
    this.clockTicks = pid == 0 ? 100 : clockTicks();
  }

  boolean active() {
    return pid != 0;
  }

  /** utime + stime of the process in seconds (all threads, children excluded). */
  double cpuSeconds() {
    if (pid == 0) {
      return 0;
    }
    String stat = read("stat");
    // fields after the command name, which is in parentheses and may contain spaces
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    long utime = Long.parseLong(f[11]); // field 14 overall
    long stime = Long.parseLong(f[12]); // field 15
    return (utime + stime) / (double) clockTicks;
  }

  /** VmRSS in KiB. */
  long rssKb() {
    return status("VmRSS:");
  }

  /** VmHWM (peak resident set) in KiB. */
  long peakRssKb() {
    return status("VmHWM:");
  }

  /** Resets the peak RSS counter (writes 5 to clear_refs; needs the same user or root). True if it worked. */
  boolean resetPeak() {
    if (pid == 0) {
      return false;
    }
    try {
      Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private long status(String key) {
    if (pid == 0) {
      return 0;
    }
    for (String line : read("status").split("\n")) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
      }
    }
    return 0;
  }

  private String read(String file) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), file));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/" + file + ": " + e.getMessage(), e);
    }
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (Exception e) {
      return 100; // Linux USER_HZ on every common platform
    }
  }
}
