package io.vela.bench;

/** Entry point {@code io.vela.bench.Load}: the end-to-end load tool, see {@link io.vela.bench.load.Load}. */
public final class Load {

  private Load() {
  }

  public static void main(String[] args) throws Exception {
    io.vela.bench.load.Load.main(args);
  }
}
