package dev.portolan.owner;

/**
 * A process as {@code /proc/PID} describes it. {@code unit} is the systemd unit (e.g. {@code
 * sshd.service}) and {@code container} the container id (64 hex digits, or the pod/scope name the
 * cgroup path gives), each derived from {@code /proc/PID/cgroup}, or null. {@code user} is the name
 * of {@code uid} from {@code /etc/passwd}, or the number as text.
 */
public record ProcessInfo(
    int pid,
    String name,
    int uid,
    String user,
    String cmdline,
    String unit,
    String container,
    long startTimeTicks) {}
