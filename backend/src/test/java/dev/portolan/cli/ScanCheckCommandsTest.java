package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portolan.testing.HostTools;
import dev.portolan.web.RunningNode;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * {@code portolan scan} and {@code portolan check} against a real node in the test's JVM, on
 * listeners the test opens and ports it opened and closed again (nothing else is scanned), compared
 * with {@code nmap} on the same ports where it is installed.
 */
class ScanCheckCommandsTest {
  static RunningNode node;
  static String server;

  @BeforeAll
  static void startNode() throws Exception {
    node = RunningNode.start();
    server = "http://127.0.0.1:" + node.port;
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  /** A loopback port the test opened and closed again: nothing listens there. */
  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static List<ServerSocket> listeners(int n) throws Exception {
    List<ServerSocket> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }
    return out;
  }

  /** port → state of the table's {@code PORT STATE SERVICE} lines. */
  static Map<Integer, String> tableStates(String out) {
    Map<Integer, String> states = new TreeMap<>();
    for (String line : out.lines().toList()) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 2 && f[0].matches("\\d+/tcp|\\d+/udp")) {
        states.put(Integer.parseInt(f[0].substring(0, f[0].indexOf('/'))), f[1]);
      }
    }
    return states;
  }

  static Document xml(String text) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** port → state/@state of a document's {@code port} elements. */
  static Map<Integer, String> xmlStates(Document d) {
    Map<Integer, String> out = new TreeMap<>();
    NodeList ports = d.getElementsByTagName("port");
    for (int i = 0; i < ports.getLength(); i++) {
      Element p = (Element) ports.item(i);
      Element state = (Element) p.getElementsByTagName("state").item(0);
      out.put(Integer.parseInt(p.getAttribute("portid")), state.getAttribute("state"));
    }
    return out;
  }

  /** Each element's path from the root with each of its attribute names: the document's shape. */
  static Set<String> shape(Document d) {
    Set<String> out = new TreeSet<>();
    shape(d.getDocumentElement(), "", out);
    return out;
  }

  private static void shape(Element e, String parent, Set<String> out) {
    String path = parent + "/" + e.getTagName();
    out.add(path);
    NamedNodeMap attributes = e.getAttributes();
    for (int i = 0; i < attributes.getLength(); i++) {
      out.add(path + "@" + attributes.item(i).getNodeName());
    }
    NodeList children = e.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i).getNodeType() == Node.ELEMENT_NODE) {
        shape((Element) children.item(i), path, out);
      }
    }
  }

  @Test
  void scanPrintsNmapsTableAndWritesItsFormats(@TempDir Path dir) throws Exception {
    List<ServerSocket> open = listeners(3);
    try {
      List<Integer> opened = open.stream().map(ServerSocket::getLocalPort).toList();
      int closed = closedPort();
      List<Integer> all = new ArrayList<>(opened);
      all.add(closed);
      String spec = all.stream().map(String::valueOf).collect(Collectors.joining(","));
      Path xmlFile = dir.resolve("scan.xml");
      Path grepFile = dir.resolve("scan.gnmap");
      ClientRun scan =
          ClientRun.run(
              "scan",
              "127.0.0.1",
              "-p",
              spec,
              "--server",
              server,
              "-oX",
              xmlFile.toString(),
              "-oG",
              grepFile.toString());
      assertEquals(0, scan.code(), scan.toString());
      assertTrue(scan.out().contains("PORT"), scan.toString());
      Map<Integer, String> states = tableStates(scan.out());
      for (int p : opened) {
        assertEquals("open", states.get(p), scan.toString());
      }
      assertEquals("closed", states.get(closed), scan.toString());
      assertFalse(scan.err().contains("Scanning"), "no progress line on a pipe: " + scan);
      assertTrue(scan.out().contains("Portolan done: 1 IP address scanned"), scan.toString());

      Document ours = xml(Files.readString(xmlFile));
      assertEquals(states, xmlStates(ours), Files.readString(xmlFile));
      String grepable = Files.readString(grepFile);
      for (int p : opened) {
        assertTrue(grepable.contains(p + "/open/tcp//"), grepable);
      }
      assertTrue(grepable.contains(closed + "/closed/tcp//"), grepable);

      assumeTrue(
          HostTools.onPath("nmap"), "nmap is not installed: nothing to compare the scan with");
      Process nmap =
          new ProcessBuilder("nmap", "-sT", "-Pn", "-n", "-p", spec, "-oX", "-", "127.0.0.1")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String nmapXml = new String(nmap.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, nmap.waitFor(), nmapXml);
      Document theirs = xml(nmapXml);
      assertEquals(
          xmlStates(theirs), xmlStates(ours), nmapXml + "\nours:\n" + Files.readString(xmlFile));
      Set<String> missing = new TreeSet<>(shape(theirs));
      missing.removeAll(shape(ours));
      // nmap's timing details and the services of ports it knows by name are all we may leave out
      missing.removeIf(
          s -> s.startsWith("/nmaprun/host/ports/port/service") || s.contains("/times"));
      assertEquals(
          Set.of(), missing, "elements and attributes nmap writes that we do not:\n" + nmapXml);
      NodeList reasons = theirs.getElementsByTagName("state");
      Map<Integer, String> nmapReasons = new TreeMap<>();
      for (int i = 0; i < reasons.getLength(); i++) {
        Element s = (Element) reasons.item(i);
        nmapReasons.put(
            Integer.parseInt(((Element) s.getParentNode()).getAttribute("portid")),
            s.getAttribute("reason"));
      }
      Map<Integer, String> ourReasons = new TreeMap<>();
      reasons = ours.getElementsByTagName("state");
      for (int i = 0; i < reasons.getLength(); i++) {
        Element s = (Element) reasons.item(i);
        ourReasons.put(
            Integer.parseInt(((Element) s.getParentNode()).getAttribute("portid")),
            s.getAttribute("reason"));
      }
      assertEquals(nmapReasons, ourReasons);
    } finally {
      for (ServerSocket s : open) {
        s.close();
      }
    }
  }

  @Test
  void scanShowsALiveProgressLineOnlyOnATerminalAndXmlOnStdout() throws Exception {
    List<ServerSocket> open = listeners(1);
    try {
      int port = open.get(0).getLocalPort();
      ClientRun tty =
          ClientRun.onTty("scan", "127.0.0.1", "-p", Integer.toString(port), "--server", server);
      assertEquals(0, tty.code(), tty.toString());
      assertTrue(tty.err().contains("\rScanning 127.0.0.1: "), tty.toString());
      assertTrue(tty.err().endsWith("\r\033[K"), "the line is cleared: " + tty);
      assertEquals("open", tableStates(tty.out()).get(port), tty.toString());

      ClientRun xml =
          ClientRun.run(
              "scan", "127.0.0.1", "-p", Integer.toString(port), "--server", server, "-oX", "-");
      assertEquals(0, xml.code(), xml.toString());
      assertTrue(xml.out().startsWith("<?xml"), "only the XML on stdout: " + xml);
      assertEquals(Map.of(port, "open"), xmlStates(xml(xml.out())));

      ClientRun json =
          ClientRun.run(
              "scan", "127.0.0.1", "-p", Integer.toString(port), "--server", server, "--json");
      assertEquals(0, json.code(), json.toString());
      Map<String, Object> j = Json.parseObject(json.out());
      assertEquals("completed", j.get("status"), json.toString());
      assertEquals(1L, ((Map<?, ?>) j.get("counts")).get("open"), json.toString());
    } finally {
      open.get(0).close();
    }
  }

  @Test
  void scanOfAnAddressThePolicyRefusesSaysWhyWithExitCode4() throws Exception {
    ClientRun scan = ClientRun.run("scan", "192.0.2.1", "-p", "80", "--server", server);
    assertEquals(CliException.REFUSED, scan.code(), scan.toString());
    assertTrue(scan.err().startsWith("portolan: refused by " + server + " (403)"), scan.toString());
    assertTrue(scan.err().contains("192.0.2.1"), scan.toString());
  }

  @Test
  void checkSaysOpenOrRefusedInWordsWithItsExitCode() throws Exception {
    List<ServerSocket> open = listeners(1);
    try {
      int port = open.get(0).getLocalPort();
      ClientRun ok = ClientRun.run("check", "127.0.0.1:" + port, "--server", server);
      assertEquals(0, ok.code(), ok.toString());
      assertTrue(
          ok.out().startsWith("127.0.0.1:" + port + " open (from " + RunningNode.NODE + "): "),
          ok.toString());
      int closed = closedPort();
      ClientRun refused = ClientRun.run("check", "127.0.0.1:" + closed, "--server", server);
      assertEquals(1, refused.code(), refused.toString());
      assertTrue(
          refused.out().startsWith("127.0.0.1:" + closed + " refused (from "), refused.toString());
      assertTrue(refused.out().toLowerCase().contains("refused"), refused.toString());
      ClientRun json = ClientRun.run("check", "[::1]:" + closed, "--server", server, "-o", "json");
      assertEquals(1, json.code(), json.toString());
      assertEquals("refused", Json.parseObject(json.out()).get("status"), json.toString());
      ClientRun bad = ClientRun.run("check", "127.0.0.1", "--server", server);
      assertEquals(CliException.USAGE, bad.code(), bad.toString());
      assertTrue(bad.err().contains("HOST:PORT"), bad.toString());
    } finally {
      open.get(0).close();
    }
  }
}
