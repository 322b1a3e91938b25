package dev.portolan.bench;

import dev.portolan.node.OwnedSocket;
import dev.portolan.node.Sampler;
import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.sampler.ProcNetReader;
import dev.portolan.sampler.Protocol;
import dev.portolan.sampler.SocketEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Portolan's domain classes driven in this JVM, one instance per population so every index starts cold and is
 * warmed by the benchmark's warm-up runs: the operations the benchmark times against {@code ss}, {@code netstat},
 * {@code lsof} and {@code cat}.
 */
final class InProcessPortolan {
  private static final Set<Protocol> TCP = EnumSet.of(Protocol.TCP);

  private final ProcNetReader reader = ProcNetReader.create();
  private final OwnerIndex tcpOwners = OwnerIndex.create();
  private final Sampler sampler = new Sampler("bench", ProcNetReader.create(), OwnerIndex.create(),
      System::currentTimeMillis);

  /** The TCP table (v4 + v6) with the owner of every socket: like {@code ss -tanp}. Returns the row count. */
  int tcpTableWithOwners() throws IOException {
    List<SocketEntry> table = reader.read(TCP);
    return Sampler.withOwners(table, tcpOwners.update(table)).size();
  }

  /** The TCP table without owners: like {@code ss -tan}. */
  int tcpTable() throws IOException {
    return reader.read(TCP).size();
  }

  /** Listening TCP sockets only: like {@code ss -ltn}. */
  int tcpListeners() throws IOException {
    int n = 0;
    for (SocketEntry e : reader.read(TCP)) {
      if (e.isListening()) {
        n++;
      }
    }
    return n;
  }

  /** What the agent does every interval: every protocol, owners, sockstat, diff against the last sample. */
  int fullSample() throws IOException {
    return sampler.sample().snapshot().sockets().size();
  }

  OwnerIndex.Stats tcpOwnerStats() {
    return tcpOwners.stats();
  }
}
