package dev.portolan;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The jar's entry point, compiled for Java 8 (its own source directory, {@code src/launcher}) so
 * that an older JVM runs it: it says in one line that Portolan needs Java 25 and exits with 2,
 * instead of an {@code UnsupportedClassVersionError}. On Java 25 or newer it hands over to {@code
 * dev.portolan.Main}.
 */
public final class Launcher {
  /** The Java release Portolan is compiled for. */
  static final int NEEDED = 25;

  private Launcher() {}

  public static void main(String[] args) throws Throwable {
    String version = System.getProperty("java.specification.version", "?");
    if (feature(version) < NEEDED) {
      System.err.println(
          "portolan: needs Java "
              + NEEDED
              + " or newer, and this is Java "
              + version
              + " ("
              + System.getProperty("java.home", "?")
              + "). Run it with a JDK "
              + NEEDED
              + ": $JAVA_HOME/bin/java -jar portolan.jar, with JAVA_HOME set to one"
              + " (e.g. Eclipse Temurin "
              + NEEDED
              + ", https://adoptium.net).");
      System.exit(2);
    }
    MethodHandle main =
        MethodHandles.publicLookup()
            .findStatic(
                Class.forName("dev.portolan.Main"),
                "main",
                MethodType.methodType(void.class, String[].class));
    main.invokeExact(args);
  }

  /** The feature release of a {@code java.specification.version}: "1.8" is 8, "17" is 17. */
  static int feature(String specificationVersion) {
    String v =
        specificationVersion.startsWith("1.")
            ? specificationVersion.substring(2)
            : specificationVersion;
    int end = 0;
    while (end < v.length() && Character.isDigit(v.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
  }
}
