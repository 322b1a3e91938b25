package dev.portolan.dashboard;

import dev.portolan.api.SseFormat;
import dev.portolan.bus.ListedSocket;
import dev.portolan.frontend.Templates;
import dev.portolan.frontend.view.ChangeRow;
import dev.portolan.frontend.view.SocketRow;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.SocketChange;
import dev.portolan.service.ServiceNames;

/**
 * Writes a change as an SSE event whose data is one HTML list item, for htmx's SSE extension
 * ({@code sse-swap}).
 */
final class HtmlChangeFormat implements SseFormat {
  private final ServiceNames services;

  HtmlChangeFormat(ServiceNames services) {
    this.services = services;
  }

  @Override
  public String event(String id, SocketChange change) {
    SocketRow socket =
        SocketRows.of(ListedSocket.of(change.node(), change.current(), services, null));
    String what =
        switch (change.kind()) {
          case OPENED -> "opened";
          case CLOSED -> "closed";
          case STATE_CHANGED ->
              (change.previousState() == null ? "?" : change.previousState().filterName()) + " →";
          case OWNER_CHANGED -> "new owner";
          case SHORT_LIVED -> "short-lived";
          case NAMESPACE_CHANGED -> "namespace now";
        };
    boolean gone = change.kind() == ChangeKind.CLOSED || change.kind() == ChangeKind.SHORT_LIVED;
    String local = socket.local();
    String owner = socket.owner();
    if (change.shortLived() != null) {
      // a connection shows both ends; its owner, when known, is its listener's
      if (change.current().socket().remotePort() != 0) {
        local = local + " ⇄ " + socket.remote();
      }
      if (SocketChange.OWNER_FROM_LISTENER.equals(change.shortLived().ownerFrom())) {
        owner = owner + ", via its listener";
      }
    }
    ChangeRow row =
        new ChangeRow(
            Clock.time(change.timestampMillis()),
            change.kind().wireName(),
            what,
            socket.proto(),
            socket.state(),
            local,
            gone ? null : socket.localHref(),
            owner);
    String html = Templates.render("fragment/change.jte", row);
    return "id: "
        + id
        + "\nevent: "
        + change.kind().sseEvent()
        + "\n"
        + SseFormat.dataLines(html.strip())
        + "\n";
  }
}
