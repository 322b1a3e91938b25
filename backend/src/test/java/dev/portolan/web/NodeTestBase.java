package dev.portolan.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One real node per test class, started before its tests and closed after them. */
abstract class NodeTestBase {
  static RunningNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node = RunningNode.start();
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }
}
