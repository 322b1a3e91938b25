package dev.portolan.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What was built: Portolan's version (from the build, {@code build.properties} filtered by Maven)
 * and the Java it runs on; served as {@code portolan_build_info{version,java}}.
 */
public record BuildInfo(String version, String java) {
  private static final String RESOURCE = "/dev/portolan/metrics/build.properties";

  /** This build's: "unknown" for a version the class path does not say (an unfiltered build). */
  public static BuildInfo current() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // no version: "unknown" below
    }
    String version = p.getProperty("version", "unknown");
    if (version.isBlank() || version.startsWith("${")) {
      version = "unknown";
    }
    return new BuildInfo(version, Runtime.version().toString());
  }
}
