package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The quick parser makes the same command as picocli, and leaves it what it does not know. */
class QuickParseTest {
  static final Terminal TERMINAL = new Terminal(System.out, System.err, Map.of(), false, "x");

  /** Every field the commands have, as text. */
  private static String fields(ClientCommand c) {
    StringBuilder b = new StringBuilder();
    b.append(c.server).append('|').append(c.token).append('|').append(c.tokenFile).append('|');
    b.append(c.output).append('|').append(c.node).append('|');
    switch (c) {
      case WhoCommand w -> b.append(w.port);
      case LsCommand l ->
          b.append(
                  List.of(
                      l.listening,
                      l.all,
                      l.tcp,
                      l.udp,
                      l.unix,
                      l.ipv4,
                      l.ipv6,
                      l.numeric,
                      l.processes))
              .append(l.netns)
              .append('|')
              .append(l.container)
              .append('|')
              .append(l.filter);
      default -> throw new AssertionError(c);
    }
    return b.toString();
  }

  private static ClientCommand picocli(String... args) {
    ClientCommand c = args[0].equals("who") ? new WhoCommand() : new LsCommand();
    new CommandLine(c).parseArgs(Arrays.copyOfRange(args, 1, args.length));
    return c;
  }

  @Test
  void theSameCommandAsPicocli() {
    for (String[] args :
        List.of(
            new String[] {"who", "22"},
            new String[] {"who", "udp/53", "--server", "http://h:1", "--token", "t", "-o", "json"},
            new String[] {"who", "--node=db1", "tcp/5432", "--token-file", "/tmp/t"},
            new String[] {"ls", "-ltnp"},
            new String[] {"ls", "-l", "-t", "-4", "--netns", "4026531840", "sport", "=", ":22"},
            new String[] {"ls", "-aux6", "--container=web", "-o", "csv", "( dport = :443 )"},
            new String[] {"ls", "--server", "http://h:2", "-n", "state", "established"})) {
      ClientCommand quick = QuickParse.parse(TERMINAL, args);
      assertNotNull(quick, String.join(" ", args));
      assertEquals(fields(picocli(args)), fields(quick), String.join(" ", args));
    }
  }

  @Test
  void leavesPicocliWhatItDoesNotKnow() {
    for (String[] args :
        List.of(
            new String[] {"who"},
            new String[] {"who", "--help"},
            new String[] {"who", "22", "23"},
            new String[] {"who", "-o=table", "22"},
            new String[] {"ls", "-ltq"},
            new String[] {"ls", "-o", "yaml"},
            new String[] {"ls", "--server"},
            new String[] {"ls", "--", "sport = :22"},
            new String[] {"proc", "1"},
            new String[] {"summary", "--node", "x"})) {
      assertNull(QuickParse.parse(TERMINAL, args), String.join(" ", args));
    }
  }
}
