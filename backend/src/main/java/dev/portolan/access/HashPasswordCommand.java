package dev.portolan.access;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar portolan.jar hash-password [--user NAME --role ROLE]}: reads a password from
 * standard input (its first line; at a terminal, without echo) and prints its hash, or with {@code
 * --user} the whole users-file line.
 */
@Command(
    name = "hash-password",
    mixinStandardHelpOptions = true,
    description =
        "Read a password from standard input and print its hash for the users file (--users), or with"
            + " --user and --role the whole line name:role:hash.")
public final class HashPasswordCommand implements Callable<Integer> {

  @Option(names = "--user", paramLabel = "NAME", description = "Print the line for this user")
  String user;

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      description = "viewer, operator or admin (default viewer; with --user)")
  String role;

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    AccessRole r;
    try {
      r = AccessRole.parse(role == null ? "viewer" : role);
    } catch (IllegalArgumentException e) {
      err.println("portolan: " + e.getMessage());
      return 2;
    }
    if (user != null && !UserFile.validName(user)) {
      err.println(
          "portolan: invalid user name '"
              + user
              + "': 1 to 64 letters, digits, '.', '-', '_' or '@'");
      return 2;
    }
    if (role != null && user == null) {
      err.println("portolan: --role goes with --user NAME (it is part of the users-file line)");
      return 2;
    }
    String password;
    java.io.Console console = System.console();
    if (console != null && console.isTerminal()) {
      char[] typed = console.readPassword("Password: ");
      password = typed == null ? null : new String(typed);
    } else {
      password =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
    if (password == null || password.isEmpty()) {
      err.println("portolan: no password on standard input");
      return 2;
    }
    String hash = Passwords.hash(password);
    System.out.println(user == null ? hash : user + ":" + r.wireName() + ":" + hash);
    return 0;
  }
}
