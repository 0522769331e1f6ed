package io.vela.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end load tool: MQTT 3.1.1 clients on Netty's MQTT codec over loopback against a running broker, one
 * scenario per run, bounded in count and time. Prints a human summary on stderr and one {@code RESULT key=value ...}
 * line on stdout, which {@code bin/bench} collects and {@link Report} turns into a table.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.vela.bench.load.Load SCENARIO --port P [--pid BROKER_PID] [options]
 * scenarios: seed | fanout | fanin | latency | conns      (also: freeport, report)
 * </pre>
 */
public final class Load {

  private static final String USAGE = """
      usage: Load SCENARIO --port PORT [options]
        seed     1 subscriber on bench/seed/# (QoS 1), 1 publisher sends --count QoS 1 messages with --window in
                 flight; checks loss, duplicates and order over sequence numbers; waits for every PUBACK
        fanout   1 publisher (QoS 0) -> --subscribers subscribers of bench/fanout (QoS 0); counts deliveries
        fanin    --publishers publishers -> 1 subscriber of bench/fanin/+ at --qos 0 or 1; checks loss per publisher
        latency  1 publisher at --rate msg/s for --seconds (after --warmup-seconds), QoS 1, 1 subscriber;
                 p50/p99/p99.9 from the send timestamp in the payload
        conns    --connections idle connections (keep-alive 60 s), --concurrency CONNECTs outstanding;
                 connects/s and broker RSS growth per connection
        freeport print a free TCP port of 127.0.0.1
        report   RESULTS_FILE MARKDOWN_FILE [key=value ...]: write the results table into MARKDOWN_FILE
      options: --host 127.0.0.1 --pid 0 (broker pid for CPU/RSS from /proc) --broker NAME --round N
               --count N --payload 64 --window 100 --qos Q --subscribers K --publishers P --rate R --seconds S
               --connections N --concurrency C --client-threads 1 --timeout-seconds 300 --idle-seconds 10
      """;

  private final Map<String, String> opts;
  private final String host;
  private final int port;
  private final BrokerProbe probe;
  private final int payload;
  private final double timeoutSeconds;
  private final double idleSeconds;
  private final Map<String, Object> result = new LinkedHashMap<>();

  private Load(Map<String, String> opts) {
    this.opts = opts;
    this.host = opt("host", "127.0.0.1");
    this.port = Integer.parseInt(required("port"));
    this.probe = new BrokerProbe(Long.parseLong(opt("pid", "0")));
    this.payload = Math.max(20, intOpt("payload", 64));
    this.timeoutSeconds = Double.parseDouble(opt("timeout-seconds", "300"));
    this.idleSeconds = Double.parseDouble(opt("idle-seconds", "10"));
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      System.err.print(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    switch (args[0]) {
      case "freeport" -> {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
          System.out.println(s.getLocalPort());
        }
        return;
      }
      case "report" -> {
        Report.main(java.util.Arrays.copyOfRange(args, 1, args.length));
        return;
      }
      default -> {
      }
    }
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println("bad argument: " + args[i] + "\n" + USAGE);
        System.exit(2);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    Load load = new Load(opts);
    int threads = load.intOpt("client-threads", 1);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    boolean ok;
    try {
      ok = load.run(args[0], Client.bootstrap(group));
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
    System.exit(ok ? 0 : 1);
  }

  private boolean run(String scenario, Bootstrap b) throws Exception {
    result.put("broker", opt("broker", "broker"));
    result.put("round", opt("round", "1"));
    return switch (scenario) {
      case "seed" -> flow(b, "seed", 1, 1, intOpt("count", 1_000_000), 1, 0);
      case "fanout" -> flow(b, "fanout", 1, intOpt("subscribers", 500), intOpt("count", 2_000), 0, 0);
      case "fanin" -> flow(b, "fanin-qos" + intOpt("qos", 1), intOpt("publishers", 50), 1,
          intOpt("count", 500_000), intOpt("qos", 1), 0);
      case "latency" -> {
        double rate = Double.parseDouble(opt("rate", "2000"));
        double seconds = Double.parseDouble(opt("seconds", "10")) + Double.parseDouble(opt("warmup-seconds", "2"));
        yield flow(b, "latency", 1, 1, (long) (rate * seconds), 1, rate);
      }
      case "conns" -> conns(b);
      default -> throw new IllegalArgumentException("unknown scenario " + scenario + "\n" + USAGE);
    };
  }

  /** P publishers, S subscribers, {@code total} messages published in all (split evenly), at QoS q. */
  private boolean flow(Bootstrap b, String name, int publishers, int subscribers, long total, int qos, double rate)
      throws Exception {
    result.put("scenario", name);
    long perPublisher = total / publishers;
    long messages = perPublisher * publishers;
    int window = intOpt("window", 100);
    String filter = switch (name) {
      case "seed" -> "bench/seed/#";
      case "fanout" -> "bench/fanout";
      case "latency" -> "bench/latency/+";
      default -> "bench/fanin/+";
    };
    boolean check = !name.equals("fanout");
    Histogram hist = name.equals("latency") ? new Histogram(60_000_000L, 3) : null;
    long warmupSeq = hist == null ? 0 : (long) (rate * Double.parseDouble(opt("warmup-seconds", "2")));

    List<Client> clients = new ArrayList<>();
    List<Streams.Subscriber> subs = new ArrayList<>();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    try {
      Semaphore outstanding = new Semaphore(100);
      for (int i = 0; i < subscribers; i++) {
        Streams.Subscriber s = new Streams.Subscriber(check ? publishers : 0, hist, warmupSeq);
        subs.add(s);
        outstanding.acquire();
        pending.add(Client.connect(b, host, port, "bench-sub-" + i, 60, s)
            .thenCompose(c -> {
              synchronized (clients) {
                clients.add(c);
              }
              return c.subscribe(filter, qos);
            }).whenComplete((v, e) -> outstanding.release()));
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      List<Streams.Publisher> pubs = new ArrayList<>();
      for (int i = 0; i < publishers; i++) {
        Client c = Client.connect(b, host, port, "bench-pub-" + i, 60, Client.NONE).get(30, TimeUnit.SECONDS);
        synchronized (clients) {
          clients.add(c);
        }
        String topic = switch (name) {
          case "seed" -> "bench/seed/" + i;
          case "fanout" -> "bench/fanout";
          case "latency" -> "bench/latency/" + i;
          default -> "bench/fanin/" + i;
        };
        pubs.add(new Streams.Publisher(c, topic, qos, perPublisher, window, i, payload, rate));
      }

      long expected = messages * subscribers;
      Map<String, Double> threads0 = probe.cpuByThreadKind();
      double cpu0 = probe.cpuSeconds();
      probe.resetPeak();
      long t0 = System.nanoTime();
      pubs.forEach(Streams.Publisher::start);
      boolean done = waitFor(() -> {
        long n = 0;
        for (Streams.Subscriber s : subs) {
          n += s.received.get();
        }
        long a = 0;
        for (Streams.Publisher p : pubs) {
          a += p.acked.get();
        }
        return qos > 0 ? Math.min(n, expected) + Math.min(a, messages) : Math.min(n, expected);
      }, qos > 0 ? expected + messages : expected);
      double cpu1 = probe.cpuSeconds();
      Map<String, Double> threads1 = probe.cpuByThreadKind();
      long end = 0;
      for (Streams.Subscriber s : subs) {
        end = Math.max(end, s.lastNanos);
      }
      for (Streams.Publisher p : pubs) {
        end = Math.max(end, Math.max(p.lastAckNanos, p.lastSendNanos));
      }
      double seconds = (end - t0) / 1e9;
      long received = 0;
      for (Streams.Subscriber s : subs) {
        received += s.received.get();
      }
      long acked = 0;
      for (Streams.Publisher p : pubs) {
        acked += p.acked.get();
      }
      result.put("ok", done);
      result.put("published", messages);
      result.put("delivered", received);
      result.put("seconds", fmt(seconds));
      // what arrived per second: a QoS 0 run that loses messages does not get credit for them
      result.put("rate", fmt(received / seconds));
      result.put("unit", name.equals("fanout") ? "deliveries/s" : "msg/s");
      if (qos > 0) {
        result.put("acked", acked);
      }
      if (check) {
        long distinct = 0;
        long dup = 0;
        long ooo = 0;
        for (Streams.Subscriber s : subs) {
          // read the checker's fields on its own event loop
          long[] v = clientOf(clients, s).channel().eventLoop()
              .submit(() -> new long[] {s.distinct, s.duplicates, s.outOfOrder}).get(5, TimeUnit.SECONDS);
          distinct += v[0];
          dup += v[1];
          ooo += v[2];
        }
        result.put("lost", expected - distinct);
        result.put("dup", dup);
        result.put("ooo", ooo);
      } else {
        result.put("lost", expected - received);
      }
      if (hist != null) {
        Histogram h = clientOf(clients, subs.get(0)).channel().eventLoop().submit(hist::copy)
            .get(5, TimeUnit.SECONDS);
        result.put("p50_us", h.getValueAtPercentile(50));
        result.put("p99_us", h.getValueAtPercentile(99));
        result.put("p999_us", h.getValueAtPercentile(99.9));
        result.put("max_us", h.getMaxValue());
        result.put("samples", h.getTotalCount());
        long lag = 0;
        for (Streams.Publisher p : pubs) {
          lag = Math.max(lag, p.maxSendLagNanos);
        }
        result.put("send_lag_max_us", lag / 1000);
      }
      cpu(cpu1 - cpu0, name.equals("fanout") ? received : messages);
      if (probe.active()) {
        result.put("cpu_by_thread", BrokerProbe.diff(threads0, threads1));
      }
      return done;
    } finally {
      synchronized (clients) {
        clients.forEach(Client::close);
      }
      report();
    }
  }

  private static Client clientOf(List<Client> clients, Streams.Subscriber s) {
    synchronized (clients) {
      for (Client c : clients) {
        if (c.listenerIs(s)) {
          return c;
        }
      }
    }
    throw new IllegalStateException("no client for subscriber");
  }

  private boolean conns(Bootstrap b) throws Exception {
    result.put("scenario", "conns");
    int n = intOpt("connections", 10_000);
    Semaphore outstanding = new Semaphore(intOpt("concurrency", 100));
    List<Client> clients = new ArrayList<>(n);
    AtomicLong failed = new AtomicLong();
    try {
      System.gc();
      long heap0 = probe.liveHeapKb();
      long rss0 = probe.rssKb();
      double cpu0 = probe.cpuSeconds();
      long t0 = System.nanoTime();
      List<CompletableFuture<Client>> all = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        if (!outstanding.tryAcquire((long) timeoutSeconds, TimeUnit.SECONDS)) {
          break;
        }
        all.add(Client.connect(b, host, port, "bench-idle-" + i, 60, Client.NONE).whenComplete((c, e) -> {
          outstanding.release();
          if (e != null) {
            failed.incrementAndGet();
          } else {
            synchronized (clients) {
              clients.add(c);
            }
          }
        }));
      }
      try {
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get((long) timeoutSeconds, TimeUnit.SECONDS);
      } catch (Exception e) {
        // counted in failed
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpu1 = probe.cpuSeconds();
      Thread.sleep(2000); // let the broker settle (and its allocator return what it will)
      long heap1 = heap0 < 0 ? -1 : probe.liveHeapKb();
      long rss1 = probe.rssKb(); // after the full GC, like rss0
      int connected;
      synchronized (clients) {
        connected = clients.size();
      }
      result.put("ok", failed.get() == 0 && connected == n);
      result.put("connections", connected);
      result.put("failed", failed.get());
      result.put("seconds", fmt(seconds));
      result.put("rate", fmt(connected / seconds));
      result.put("unit", "connects/s");
      if (probe.active()) {
        result.put("rss_before_kb", rss0);
        result.put("rss_after_kb", rss1);
        result.put("rss_per_conn_kb", fmt((rss1 - rss0) / (double) Math.max(1, connected)));
        double rssPerConn = (rss1 - rss0) / (double) Math.max(1, connected);
        double heapPerConn = heap1 >= 0 ? (heap1 - heap0) / (double) Math.max(1, connected) : 0;
        if (heap1 >= 0) {
          result.put("heap_per_conn_kb", fmt(heapPerConn));
        }
        // a JVM broker runs the memory scenario with a pre-touched fixed heap (bin/bench), so its RSS growth is what
        // lives outside the Java heap, and the live heap growth is added; a native broker's RSS growth is all of it
        result.put("mem_per_conn_kb", fmt(rssPerConn + Math.max(0, heapPerConn)));
        result.put("cpu_s", fmt(cpu1 - cpu0));
        result.put("peak_rss_kb", probe.peakRssKb());
      }
      return failed.get() == 0 && connected == n;
    } finally {
      synchronized (clients) {
        clients.forEach(Client::close);
      }
      report();
    }
  }

  private void cpu(double cpuSeconds, long messages) {
    if (probe.active()) {
      result.put("cpu_s", fmt(cpuSeconds));
      result.put("cpu_s_per_m", fmt(cpuSeconds / messages * 1e6));
      result.put("peak_rss_kb", probe.peakRssKb());
    }
  }

  /** Polls until {@code progress} reaches {@code target}, it stops moving for idle-seconds, or the timeout. */
  private boolean waitFor(LongSupplier progress, long target) throws InterruptedException {
    long start = System.nanoTime();
    long last = -1;
    long lastChange = start;
    while (true) {
      long now = System.nanoTime();
      long p = progress.getAsLong();
      if (p >= target) {
        return true;
      }
      if (p != last) {
        last = p;
        lastChange = now;
      } else if (now - lastChange > idleSeconds * 1e9) {
        System.err.printf("stalled at %d of %d for %.0f s%n", p, target, idleSeconds);
        return false;
      }
      if (now - start > timeoutSeconds * 1e9) {
        System.err.printf("timed out at %d of %d after %.0f s%n", p, target, timeoutSeconds);
        return false;
      }
      Thread.sleep(2);
    }
  }

  private void report() {
    StringBuilder sb = new StringBuilder("RESULT");
    result.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    System.out.println(sb);
    System.out.flush();
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.3f", d);
  }

  private String opt(String key, String def) {
    return opts.getOrDefault(key, def);
  }

  private int intOpt(String key, int def) {
    return Integer.parseInt(opt(key, Integer.toString(def)).replace("_", ""));
  }

  private String required(String key) {
    String v = opts.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required\n" + USAGE);
    }
    return v;
  }
}
