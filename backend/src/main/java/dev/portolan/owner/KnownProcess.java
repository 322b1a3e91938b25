package dev.portolan.owner;

import java.util.HashSet;
import java.util.Set;

/**
 * What the {@link OwnerIndex} knows of one live process: the socket inodes indexed as its, whether
 * its fd table was read (and how big it was), and what {@link HolderSearch} orders its search by.
 * Fields change only under the owner index's lock.
 */
final class KnownProcess {
  /** {@link #uid} before {@code /proc/PID} was asked. */
  static final int UID_UNREAD = -2;

  final int pid;
  final long startTime;
  final Set<Long> inodes = new HashSet<>();
  boolean scanned;
  boolean unreadable;
  long lastGain = -1;
  int uid = UID_UNREAD;
  long lastCpu = -1;

  /** How many fds its table listed when last read, or -1 before the first read. */
  int fdCount = -1;

  KnownProcess(int pid, long startTime) {
    this.pid = pid;
    this.startTime = startTime;
  }
}
