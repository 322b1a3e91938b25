/**
 * Network namespaces: what each one is (the host's, a named {@code ip netns} one, a container's, a
 * Kubernetes pod's), worked out from the owning processes' cgroups and the container runtimes'
 * files on disk, and Docker's published ports. Plain Java.
 */
package dev.portolan.netns;
