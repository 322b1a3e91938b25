package dev.portolan.netns;

import dev.portolan.owner.CgroupParser;
import dev.portolan.owner.ContainerRuntime;
import java.nio.file.Path;

/**
 * What one process says about the network namespace it is in: its container (id and runtime) and
 * Kubernetes pod uid from {@code /proc/<pid>/cgroup}, and whether it is a pod's {@code pause}
 * process ({@code /proc/<pid>/comm}).
 */
record ProcessEvidence(
    int pid, String containerId, ContainerRuntime runtime, String podUid, boolean pause) {

  /** The evidence of process {@code pid} under {@code procRoot}, or null when it is gone. */
  static ProcessEvidence read(Path procRoot, int pid) {
    Path dir = procRoot.resolve(Integer.toString(pid));
    String cgroupText = SmallFiles.text(dir.resolve("cgroup"));
    if (cgroupText == null) {
      return null;
    }
    CgroupParser.Cgroup cgroup = CgroupParser.parse(cgroupText);
    String comm = SmallFiles.text(dir.resolve("comm"));
    boolean pause = comm != null && comm.strip().equals("pause");
    return new ProcessEvidence(pid, cgroup.container(), cgroup.runtime(), cgroup.podUid(), pause);
  }

  /**
   * {@code HOSTNAME} from the process's environment when it also has {@code
   * KUBERNETES_SERVICE_HOST} (so is a pod's: the pod's name, unless the pod sets another host
   * name), or null.
   */
  String kubernetesHostname(Path procRoot) {
    String environ = SmallFiles.text(procRoot.resolve(Integer.toString(pid)).resolve("environ"));
    String hostname = null;
    boolean kubernetes = false;
    for (String variable : SmallFiles.nulSeparated(environ)) {
      if (variable.startsWith("HOSTNAME=")) {
        hostname = variable.substring("HOSTNAME=".length());
      } else if (variable.startsWith("KUBERNETES_SERVICE_HOST=")) {
        kubernetes = true;
      }
    }
    return kubernetes && hostname != null && !hostname.isEmpty() ? hostname : null;
  }
}
