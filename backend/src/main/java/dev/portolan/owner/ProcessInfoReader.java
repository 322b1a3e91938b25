package dev.portolan.owner;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds {@link ProcessInfo} from {@code /proc/PID/{stat,status,cmdline,cgroup}}, cached per pid
 * and start time (so a reused pid is read afresh), with its {@link Owner}: one owner object per
 * process, so a sample's rows and the previous sample's share it and compare by identity.
 * Thread-safe.
 */
final class ProcessInfoReader {

  private final ProcFs procFs;
  private final UserNames userNames;
  private final ConcurrentHashMap<Integer, Owner> cache = new ConcurrentHashMap<>();

  ProcessInfoReader(ProcFs procFs, UserNames userNames) {
    this.procFs = procFs;
    this.userNames = userNames;
  }

  /**
   * Info of {@code pid} if it still runs with start time {@code startTime}; reads /proc only on a
   * cache miss.
   */
  Optional<ProcessInfo> get(int pid, long startTime) {
    Owner owner = owner(pid, startTime);
    return owner == null ? Optional.empty() : Optional.of(owner.process());
  }

  /**
   * The owner of {@code pid} if it still runs with start time {@code startTime} (the cached one),
   * else null.
   */
  Owner owner(int pid, long startTime) {
    Owner cached = cache.get(pid);
    if (cached != null && cached.process().startTimeTicks() == startTime) {
      return cached;
    }
    Optional<ProcessInfo> fresh = read(pid);
    if (fresh.isEmpty()) {
      return null;
    }
    Owner owner = Owner.of(fresh.get());
    cache.put(pid, owner);
    return fresh.get().startTimeTicks() == startTime ? owner : null;
  }

  /**
   * Info of {@code pid} as it runs now (one stat read to check the start time), or empty when it is
   * gone.
   */
  Optional<ProcessInfo> current(int pid) {
    long start = procFs.startTime(pid);
    return start < 0 ? Optional.empty() : get(pid, start);
  }

  void forget(int pid) {
    cache.remove(pid);
  }

  private Optional<ProcessInfo> read(int pid) {
    Path dir = procFs.root().resolve(Integer.toString(pid));
    String stat = ProcFs.readSmall(dir.resolve("stat"));
    if (stat == null) {
      return Optional.empty();
    }
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    String name = open >= 0 && close > open ? stat.substring(open + 1, close) : "";
    long startTime = ProcFs.startTimeOfStat(stat);
    int uid = realUid(ProcFs.readSmall(dir.resolve("status")));
    if (uid < 0) {
      uid = procFs.procDirUid(pid);
    }
    String cmdline = cmdline(ProcFs.readSmall(dir.resolve("cmdline")));
    CgroupParser.Cgroup cgroup = CgroupParser.parse(ProcFs.readSmall(dir.resolve("cgroup")));
    String user = uid < 0 ? "" : userNames.nameOf(uid);
    return Optional.of(
        new ProcessInfo(
            pid, name, uid, user, cmdline, cgroup.unit(), cgroup.container(), startTime));
  }

  /** First number of the {@code Uid:} line of {@code /proc/PID/status}, or -1. */
  static int realUid(String status) {
    if (status == null) {
      return -1;
    }
    int at = status.startsWith("Uid:") ? 0 : status.indexOf("\nUid:");
    if (at < 0) {
      return -1;
    }
    int i = status.indexOf(':', at) + 1;
    while (i < status.length() && (status.charAt(i) == '\t' || status.charAt(i) == ' ')) {
      i++;
    }
    int end = i;
    while (end < status.length() && Character.isDigit(status.charAt(end))) {
      end++;
    }
    long uid = ProcFs.parseNonNegativeLong(status, i, end);
    return uid < 0 || uid > Integer.MAX_VALUE ? -1 : (int) uid;
  }

  /** {@code /proc/PID/cmdline} with NULs as spaces, trimmed; empty for kernel threads. */
  static String cmdline(String raw) {
    return raw == null ? "" : raw.replace('\0', ' ').trim();
  }
}
