package dev.portolan.fleet;

import dev.portolan.sampling.SamplerState;
import java.util.List;

/**
 * What a node says about itself in every heartbeat: its name, the Vert.x cluster node id it runs in
 * (to match cluster membership events), its role, sampler settings and host facts. {@code reader}
 * is the socket table reader ("netlink", "proc", "none"); {@code readerNote} says why it is not the
 * one asked for (null when it is); {@code shortLived} is whether sockets that live between two
 * samples are caught ("on", or "off: why"; null when the node does not sample). {@code busTls}:
 * whether its clustered event bus runs over TLS (null when it is not clustered, or does not say);
 * {@code sampler} is how its sampler keeps up (the interval it samples at now, whether it backs
 * off; null when unknown or the node does not sample). {@code namespaces}: whether the node samples
 * its other network namespaces ("on", or "off: why"; null when it does not sample or does not say).
 */
public record NodeFacts(
    String node,
    String clusterNodeId,
    String role,
    String reader,
    long intervalMillis,
    long startedAtMillis,
    String kernel,
    List<String> addresses,
    String readerNote,
    String shortLived,
    Boolean busTls,
    SamplerState sampler,
    String namespaces) {
  public NodeFacts {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }

  /**
   * Facts of {@code node}, the rest given by name; what is not given is null (0 for times, none for
   * addresses).
   */
  public static Builder builder(String node) {
    return new Builder(node);
  }

  /** Names each fact of a {@link NodeFacts}; {@link #build()} makes it. */
  public static final class Builder {
    private final String node;
    private String clusterNodeId;
    private String role;
    private String reader;
    private long intervalMillis;
    private long startedAtMillis;
    private String kernel;
    private List<String> addresses = List.of();
    private String readerNote;
    private String shortLived;
    private Boolean busTls;
    private SamplerState sampler;
    private String namespaces;

    private Builder(String node) {
      this.node = node;
    }

    public Builder clusterNodeId(String value) {
      clusterNodeId = value;
      return this;
    }

    public Builder role(String value) {
      role = value;
      return this;
    }

    public Builder reader(String value) {
      reader = value;
      return this;
    }

    public Builder intervalMillis(long value) {
      intervalMillis = value;
      return this;
    }

    public Builder startedAtMillis(long value) {
      startedAtMillis = value;
      return this;
    }

    public Builder kernel(String value) {
      kernel = value;
      return this;
    }

    public Builder addresses(List<String> value) {
      addresses = value;
      return this;
    }

    public Builder readerNote(String value) {
      readerNote = value;
      return this;
    }

    public Builder shortLived(String value) {
      shortLived = value;
      return this;
    }

    public Builder busTls(Boolean value) {
      busTls = value;
      return this;
    }

    public Builder sampler(SamplerState value) {
      sampler = value;
      return this;
    }

    public Builder namespaces(String value) {
      namespaces = value;
      return this;
    }

    public NodeFacts build() {
      return new NodeFacts(
          node,
          clusterNodeId,
          role,
          reader,
          intervalMillis,
          startedAtMillis,
          kernel,
          addresses,
          readerNote,
          shortLived,
          busTls,
          sampler,
          namespaces);
    }
  }

  public NodeFacts withSampling(String newReader, String newReaderNote, String newShortLived) {
    return new NodeFacts(
        node,
        clusterNodeId,
        role,
        newReader,
        intervalMillis,
        startedAtMillis,
        kernel,
        addresses,
        newReaderNote,
        newShortLived,
        busTls,
        sampler,
        namespaces);
  }

  /** These facts with the sampler's state now. */
  public NodeFacts withSampler(SamplerState now) {
    return new NodeFacts(
        node,
        clusterNodeId,
        role,
        reader,
        intervalMillis,
        startedAtMillis,
        kernel,
        addresses,
        readerNote,
        shortLived,
        busTls,
        now,
        namespaces);
  }

  /**
   * The interval this node samples at now: the configured one, or the longer one its sampler backs
   * off to. A hub judges staleness by it.
   */
  public long effectiveIntervalMillis() {
    return sampler == null ? intervalMillis : Math.max(intervalMillis, sampler.intervalMillis());
  }
}
