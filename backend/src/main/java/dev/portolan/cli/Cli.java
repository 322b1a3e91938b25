package dev.portolan.cli;

import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code portolan ls|who|proc|summary|nodes|scan|check|watch|why}: the terminal client, started by
 * the {@code portolan} launcher without the node's classes (no Vert.x is loaded, so it starts
 * fast); the same commands are subcommands of {@code java -jar portolan.jar}.
 */
@Command(
    name = "portolan",
    mixinStandardHelpOptions = true,
    version = "portolan 0.1.0",
    description =
        "What is listening, who owns it, and what is connected: asks a Portolan node or hub"
            + " (--server, default http://127.0.0.1:7070) or, when none answers, reads this host"
            + " directly.",
    subcommands = {
      LsCommand.class,
      WhoCommand.class,
      ProcCommand.class,
      SummaryCommand.class,
      NodesCommand.class,
      ScanCommand.class,
      CheckCommand.class,
      WatchCommand.class,
      WhyCommand.class,
      AutoComplete.GenerateCompletion.class
    },
    footer = {
      "",
      "Examples:",
      "  portolan ls -ltnp                  listening TCP sockets with their processes (ss -ltnp)",
      "  portolan who 5432                  who holds port 5432, fleet-wide (fuser, lsof -i)",
      "  portolan proc 812 --node db1       a process's sockets (lsof -p 812 -i)",
      "  portolan summary                   counts per transport and state (ss -s)",
      "  portolan nodes --server https://hub:7070 --token-file ~/.portolan-token",
      "  portolan scan 127.0.0.1 -p 1-1024 -oX scan.xml   a scan from the node (nmap -sT)",
      "  portolan check db1:5432 --from web-1   can web-1 connect to db1:5432 (nc -z)",
      "  portolan watch -l                      listeners as they open and close (ss -E)",
      "  portolan why bind tcp/8080         why a bind fails: the holder, TIME-WAIT, privileged",
      "  source <(portolan generate-completion)   shell completion for bash and zsh",
      "",
      "Exit codes: 0 done (who: someone holds the port; check: open; why: no problem found),",
      "1 who: nobody does (check: not open; why: a problem explained), 2 usage,",
      "3 server unreachable, 4 refused (401/403), 5 another error answer.",
    })
public final class Cli implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "give a command: ls, who, proc, summary, nodes, scan, check, watch or why");
  }

  public static void main(String[] args) {
    int code = execute(Terminal.system(), args);
    System.exit(code);
  }

  /** The client's commands by name. */
  private static final java.util.Map<String, Class<? extends ClientCommand>> COMMANDS =
      java.util.Map.of(
          "ls", LsCommand.class,
          "who", WhoCommand.class,
          "proc", ProcCommand.class,
          "summary", SummaryCommand.class,
          "nodes", NodesCommand.class,
          "scan", ScanCommand.class,
          "check", CheckCommand.class,
          "watch", WatchCommand.class,
          "why", WhyCommand.class);

  /** Runs {@code args} with this terminal; the exit code. */
  static int execute(Terminal terminal, String... args) {
    ClientCommand quick = QuickParse.parse(terminal, args);
    if (quick != null) {
      return quick.call();
    }
    Class<? extends ClientCommand> only = args.length > 0 ? COMMANDS.get(args[0]) : null;
    if (only != null) {
      // one command's model only: picocli builds every subcommand's model up front, and a
      // short-lived client pays for each
      CommandLine one = new CommandLine(only, factory(terminal));
      one.setCommandName("portolan " + args[0]);
      configure(one, terminal);
      return one.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
    CommandLine commandLine = new CommandLine(new Cli(), factory(terminal));
    commandLine
        .getSubcommands()
        .get("generate-completion")
        .getCommandSpec()
        .usageMessage()
        .hidden(false);
    configure(commandLine, terminal);
    return commandLine.execute(args);
  }

  /**
   * Adds the client's commands to the node's command line ({@code java -jar portolan.jar ls ...}).
   */
  public static void addCommands(CommandLine node) {
    Terminal terminal = Terminal.system();
    CommandLine.IFactory factory = factory(terminal);
    for (Class<?> c :
        java.util.List.of(
            LsCommand.class,
            WhoCommand.class,
            ProcCommand.class,
            SummaryCommand.class,
            NodesCommand.class,
            ScanCommand.class,
            CheckCommand.class,
            WatchCommand.class,
            WhyCommand.class)) {
      CommandLine sub = new CommandLine(c, factory);
      sub.setParameterExceptionHandler(oneLine(terminal));
      sub.setUsageHelpWidth(100);
      node.addSubcommand(sub);
    }
  }

  private static void configure(CommandLine commandLine, Terminal terminal) {
    commandLine.setOut(new PrintWriter(terminal.out(), true));
    commandLine.setErr(new PrintWriter(terminal.err(), true));
    commandLine.setParameterExceptionHandler(oneLine(terminal));
    commandLine.setUsageHelpWidth(100);
  }

  /** A usage error: one line, and where the help is; exit code 2. */
  private static CommandLine.IParameterExceptionHandler oneLine(Terminal terminal) {
    return (e, args) -> {
      CommandLine c = e.getCommandLine();
      terminal
          .err()
          .println(
              "portolan: "
                  + e.getMessage()
                  + " (see: "
                  + c.getCommandSpec().qualifiedName()
                  + " --help)");
      return CliException.USAGE;
    };
  }

  private static CommandLine.IFactory factory(Terminal terminal) {
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        K made = CommandLine.defaultFactory().create(type);
        if (made instanceof ClientCommand command) {
          command.terminal = terminal;
        }
        return made;
      }
    };
  }
}
