package dev.portolan.config;

import java.nio.file.Path;

/**
 * A listener that serves {@code /metrics} alone, on every address of the node, to requests bearing
 * the token in {@code tokenFile}: how Prometheus scrapes an agent, whose HTTP port stays on
 * loopback. {@code port} 0: none. A null {@code tokenFile} (no token asked) only with --insecure.
 */
public record MetricsPort(int port, Path tokenFile) {
  public static final MetricsPort NONE = new MetricsPort(0, null);

  public boolean enabled() {
    return port > 0;
  }

  static MetricsPort of(Integer port, String tokenFile, boolean insecure) {
    if (port == null) {
      if (tokenFile != null) {
        throw new PortolanConfig.InvalidConfigException(
            "--metrics-token is the token of --metrics-port: give --metrics-port PORT too");
      }
      return NONE;
    }
    if (tokenFile == null && !insecure) {
      throw new PortolanConfig.InvalidConfigException(
          "--metrics-port serves /metrics on every address: give --metrics-token FILE (a bearer"
              + " token Prometheus sends), or --insecure to serve it to anyone");
    }
    return new MetricsPort(port, tokenFile == null ? null : Path.of(tokenFile));
  }
}
