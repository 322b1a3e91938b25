#!/usr/bin/env python3
"""Writes backend/src/main/resources/openapi/openapi.json (the API's description) from this file.

Edit the description here, run `python3 backend/tools/openapi_gen.py`, commit both. The tests hold every
/api/v1 answer to the written document (OpenApiContractTest and the recorder).
"""
import json, os

def ref(name): return {"$ref": "#/components/schemas/" + name}
def nullable(t): return {"type": [t, "null"]}
def obj(props, required=(), extra=True, desc=None):
    o = {"type": "object", "properties": props}
    if required: o["required"] = list(required)
    if not extra:
        o["additionalProperties"] = False
        # every epoch-millisecond ...At / ...Since field has an ISO 8601 twin (IsoTimes)
        o["patternProperties"] = {"(At|Since)Iso$": {"type": "string"}}
    if desc: o["description"] = desc
    return o
S = {"type": "string"}; I = {"type": "integer"}; B = {"type": "boolean"}; N = {"type": "number"}
def arr(items): return {"type": "array", "items": items}
def counts(): return {"type": "object", "additionalProperties": {"type": "integer"}}

def err(desc): return {"description": desc, "content": {"application/json": {"schema": ref("Error")}}}
def ok(schema, desc="OK", status_headers=None):
    r = {"description": desc, "content": {"application/json": {"schema": schema}}}
    if status_headers: r["headers"] = status_headers
    return r
def events(names_to_schema, desc):
    items = [obj({"event": {"const": n}, "id": S, "data": s}, ["event", "data"]) for n, s in names_to_schema.items()]
    return {"description": desc, "content": {"text/event-stream": {"schema": {
        "description": "The stream read as its events in order; each event is {event, id, data} with data "
                       "the JSON of its data: line(s). Comment lines (': ...') keep the connection alive and are not events.",
        "type": "array", "items": {"oneOf": items}}}}}

# Errors any route may answer: access control (401, 403), Host/Origin checks (403, 421), limits (429),
# malformed requests (400, 413, 414, 431), the node not answering (503), a bug (500).
COMMON = {"400": "#/components/responses/BadRequest", "401": "#/components/responses/Unauthorized",
          "403": "#/components/responses/Forbidden", "404": "#/components/responses/NotFound", "421": "#/components/responses/Misdirected",
          "429": "#/components/responses/TooMany", "500": "#/components/responses/Internal",
          "503": "#/components/responses/Unavailable"}
def responses(main, *extra):
    r = dict(main)
    for code in extra:
        r[code] = {"$ref": "#/components/responses/" + {"404": "NotFound", "409": "Conflict", "413": "TooLarge",
                                                        "415": "UnsupportedMediaType"}[code]}
    for code, target in COMMON.items():
        r.setdefault(code, {"$ref": target})
    return r

def q(name, desc, schema=S, required=False):
    return {"name": name, "in": "query", "required": required, "description": desc, "schema": schema}
def p(name, desc, schema=S):
    return {"name": name, "in": "path", "required": True, "description": desc, "schema": schema}
NODE = q("node", "one node's answer (a node's name); without it, the fleet's")
FILTERS = [
    NODE,
    q("proto", "tcp, udp, unix, tcp4, tcp6, udp4, udp6, inet, inet6 (comma-separated for several)"),
    q("state", "socket states (listen, established, time-wait, ...), comma-separated"),
    q("listening", "true: only listeners; false: none", {"type": "string", "enum": ["true", "false"]}),
    q("port", "local or remote port"), q("local-port", "local port"), q("remote-port", "remote port"),
    q("pid", "owning process id"), q("q", "free text: process, user, address, command line, unit, container"),
    q("netns", "network namespace inode or name"), q("container", "container id or name"), q("pod", "pod namespace/name"),
]

owner = obj({"status": {"type": "string", "enum": ["process", "kernel", "permission-denied", "unknown", "gone"]},
             "pid": I, "process": nullable("string"), "user": nullable("string"), "uid": nullable("integer"),
             "cmdline": nullable("string"), "unit": nullable("string"), "container": nullable("string"),
             "startTime": nullable("integer"), "fd": nullable("integer")}, ["status"],
            desc="Who holds a socket: a process (with its facts), the kernel (no process holds it, e.g. TIME_WAIT), "
                 "or not known: permission-denied when a walk of every process missed it and some fd table is "
                 "unreadable (EACCES), unknown when not found (yet), gone when its process exited or closed it "
                 "after the table was read.")
process = obj({"pid": I, "process": nullable("string"), "user": nullable("string"), "uid": nullable("integer"),
               "cmdline": nullable("string"), "unit": nullable("string"), "container": nullable("string"),
               "startTime": nullable("integer")}, ["pid"], desc="A process as /proc shows it now.")
socket = obj({
    "node": nullable("string"), "proto": S, "family": S, "state": S, "ssState": S, "listening": B,
    "localAddress": nullable("string"), "localPort": I, "remoteAddress": nullable("string"), "remotePort": I,
    "type": nullable("string"), "path": nullable("string"), "peerInode": nullable("integer"),
    "exposure": {"type": "string", "enum": ["all-interfaces", "loopback-only", "specific-address", "namespace-addresses"],
                 "description": "judged inside the socket's namespace: namespace-addresses is a pod's or container's own addresses, never the node's"},
    "service": nullable("string"), "uid": nullable("integer"), "txQueue": I, "rxQueue": I, "inode": I,
    "owner": ref("Owner"), "netns": nullable("integer"), "netnsKind": S, "netnsName": S,
    "container": {"type": "object"}, "pod": {"type": "object"},
    "forwardsTo": obj({"address": nullable("string"), "port": I, "netns": nullable("integer"), "text": S}),
    "live": B}, ["proto", "family", "state", "listening", "inode", "owner"],
    desc="One socket as the node sampled it. TCP and UDP rows have addresses and ports; unix rows type, path and peerInode.")
completeness = {"complete": B, "resync": obj({"nodes": arr(S), "silentMembers": I, "reason": nullable("string")})}
def fleet_obj(props, required, desc=None):
    props = dict(props); props.update(completeness)
    return obj(props, list(required) + ["complete"], desc=desc)

node_entry = obj({"name": S, "status": S, "statusSince": I, "statusReason": nullable("string"), "live": B,
                  "resyncing": B, "lastHeartbeatAt": I, "lastSampleAt": I, "nodeSeq": I, "sockets": counts(),
                  "role": nullable("string"), "reader": nullable("string"), "readerNote": nullable("string"),
                  "shortLived": nullable("string"), "namespaces": {}, "busTls": {}, "intervalMillis": nullable("integer"),
                  "portolanStartedAt": nullable("integer"),
                  "kernel": nullable("string"), "addresses": arr(S), "clusterNodeId": nullable("string"),
                  "sampler": {"type": "object"}, "seq": I},
                 ["name", "status", "live", "sockets"])
port_owner_group = obj({"node": S, "owner": ref("Owner"), "netns": I, "sockets": I, "states": counts()},
                       ["node", "owner", "netns", "sockets", "states"], extra=False,
                       desc="One owner of sockets on the port (a process, or the kernel) on one node and network "
                            "namespace, with how many of its sockets are on the port, and in which states.")
owners_common = {"proto": S, "port": I, "service": nullable("string"), "listening": B,
                 "owners": arr(ref("PortOwner")), "sockets": arr(ref("Socket")), "socketsListed": B,
                 "socketCount": I}
owners = {"oneOf": [
    obj(dict(owners_common, node=S, status=S, sampledAt=I), ["node", "proto", "port", "listening", "owners", "socketCount", "socketsListed"],
        desc="One node's owners of the port."),
    obj(dict(owners_common, nodes=arr(obj({"node": S, "status": S, "live": B, "listening": B, "confirmed": B,
                                             "sampledAt": I, "sockets": I}, ["node", "live"]))),
        ["nodes", "proto", "port", "listening", "owners", "socketCount", "socketsListed"], desc="The fleet's owners of the port, node by node."),
]}
check_reply = obj({"node": S, "proto": S, "port": I, "service": nullable("string"), "listening": B,
                   "verdict": S, "answer": S, "hints": arr(S), "listeners": arr(ref("Socket")),
                   "connections": I, "sampledAt": I, "status": S, "nodes": arr({"type": "object"})},
                  ["proto", "port", "listening", "verdict", "answer"])
scan_result = obj({"address": S, "port": I, "proto": S, "state": {"type": "string",
                   "enum": ["open", "closed", "filtered", "open|filtered"]}, "rttMicros": I,
                   "reason": nullable("string"), "service": nullable("string"),
                   "banner": obj({"service": nullable("string"), "text": nullable("string"),
                                  "server": nullable("string"), "tlsSubject": nullable("string"),
                                  "tlsNotAfter": nullable("string")})}, ["address", "port", "proto", "state"])
scan = obj({"id": {"type": "string", "pattern": "^[0-9a-f]{12}$"}, "node": S, "target": S, "addresses": arr(S),
            "ports": S, "proto": S, "preset": S, "banners": B, "status": S, "done": I, "total": I, "percent": N,
            "counts": counts(), "startedAt": I, "finishedAt": nullable("integer"), "elapsedMicros": I,
            "probesSent": I, "error": nullable("string"), "results": arr(ref("ScanResult")), "cancelling": B},
           ["id", "node", "target", "proto", "preset", "status", "done", "total"])
policy = obj({"node": S, "allow": arr(S), "alwaysAllowed": S, "maxPorts": I, "maxHosts": I, "maxRate": I,
              "maxOpenSockets": I, "maxConcurrent": I}, ["node", "allow", "maxPorts", "maxHosts"])
token = obj({"id": S, "name": S, "owner": S, "role": {"type": "string", "enum": ["viewer", "operator", "admin"]},
             "createdAt": I}, ["id", "name", "owner", "role", "createdAt"])
audit_entry = obj({"id": I, "user": nullable("string"), "remoteAddress": nullable("string"), "kind": S,
                   "node": nullable("string"), "nodes": arr(S), "target": nullable("string"),
                   "ports": nullable("string"), "requestedAt": I, "finishedAt": nullable("integer"), "outcome": S,
                   "httpStatus": I, "reason": nullable("string"), "scanId": nullable("string"),
                   "state": nullable("string"), "count": I, "lastAt": I, "result": nullable("object"),
                   "source": S, "requestedBy": nullable("string")}, ["id", "kind", "requestedAt", "outcome"])
change = {"allOf": [ref("Socket"), obj({"change": S, "seq": I, "timestamp": I, "previousState": S,
                                        "previousOwner": ref("Owner"), "closedAt": I, "ownerFrom": {}},
                                       ["change", "seq", "timestamp"])]}
node_status = obj({"node": S, "status": S, "since": I, "reason": nullable("string")}, ["node", "status"])
reset = obj({"reason": S, "seq": I, "run": S}, ["reason"])

schemas = {
    "Error": obj({"error": S, "detail": S}, ["error", "detail"], extra=False,
                 desc="Every refusal and failure: a short phrase, and what was wrong and what is accepted."),
    "Owner": owner, "Process": process, "Socket": socket, "PortOwner": port_owner_group, "Node": node_entry, "CheckReply": check_reply,
    "ScanResult": scan_result, "Scan": scan, "ScanPolicy": policy, "Token": token, "AuditEntry": audit_entry,
    "SocketChange": change, "NodeStatusChange": node_status, "FeedReset": reset,
}

def resp(ref_name, desc):
    return {"description": desc, "content": {"application/json": {"schema": ref("Error")}}}

paths = {
    "/api/v1/openapi.json": {"get": {"operationId": "getOpenApi", "tags": ["meta"],
        "summary": "This document", "responses": responses({"200": ok({"type": "object", "required": ["openapi", "paths"]})})}},
    "/api/v1/nodes": {"get": {"operationId": "listNodes", "tags": ["fleet"], "summary": "The nodes this hub knows",
        "parameters": [NODE], "responses": responses({"200": ok(fleet_obj({"seq": I, "nodes": arr(ref("Node"))}, ["seq", "nodes"]))})}},
    "/api/v1/sockets": {"get": {"operationId": "listSockets", "tags": ["sockets"],
        "summary": "A page of the fleet's sockets, filtered (like ss)",
        "parameters": FILTERS + [q("limit", "rows per page, 1 to 10000 (default 1000)"),
                                 q("cursor", "nextCursor of the previous page")],
        "responses": responses({"200": ok(fleet_obj({"seq": I, "matched": I, "count": I, "nextCursor": nullable("string"),
                                                      "sockets": arr(ref("Socket"))}, ["seq", "matched", "count", "nextCursor", "sockets"]))})}},
    "/api/v1/owners": {"get": {"operationId": "portOwners", "tags": ["sockets"],
        "summary": "Who owns a port (like fuser / lsof -i): its owners grouped by process, with counts",
        "parameters": [NODE, q("proto", "tcp or udp", S, True), q("port", "the port, 0 to 65535", S, True),
                       q("sockets", "true: also list every socket on the port (sockets); default: the owners only",
                         {"type": "string", "enum": ["true", "false"]})],
        "responses": responses({"200": ok(owners)})}},
    "/api/v1/processes/{node}/{pid}": {"get": {"operationId": "processSockets", "tags": ["sockets"],
        "summary": "A process and its sockets (like lsof -p PID -i)",
        "parameters": [p("node", "the node's name"), p("pid", "the process id")],
        "responses": responses({"200": ok(obj({"node": S, "process": ref("Process"), "sampledAt": I, "sockets": arr(ref("Socket")),
                                                 "unsampledInodes": arr(I), "namespace": {"type": "object"}},
                                                ["node", "process", "sockets", "unsampledInodes"]))}, "404")}},
    "/api/v1/summary": {"get": {"operationId": "summary", "tags": ["sockets"], "summary": "Socket counts (like ss -s)",
        "parameters": [NODE], "responses": responses({"200": ok({"oneOf": [
            obj({"node": S, "sampledAt": I, "total": I, "protocols": {"type": "object"}, "tcpStates": counts(),
                 "kernel": {"type": "object"}, "trend": arr({"type": "object"})}, ["node", "total", "protocols", "tcpStates"],
                extra=False, desc="One node's"),
            fleet_obj({"seq": I, "total": I, "protocols": {"type": "object"}, "tcpStates": counts(), "nodes": counts()},
                      ["seq", "total", "protocols", "tcpStates", "nodes"], desc="The fleet's")]})}, "404")}},
    "/api/v1/namespaces": {"get": {"operationId": "namespaces", "tags": ["sockets"],
        "summary": "A node's network namespaces with their socket counts",
        "parameters": [q("node", "the node's name", S, True)],
        "responses": responses({"200": ok(obj({"node": S, "sampling": {}, "takenAt": I, "namespaces": arr(obj(
            {"netns": I, "kind": S, "names": {"type": "object"}, "text": S, "own": B, "reader": nullable("string"),
             "note": nullable("string"), "pids": arr(I), "processes": I, "sockets": counts()}, ["netns", "own"]))},
            ["node", "namespaces"]))}, "404")}},
    "/api/v1/check": {"get": {"operationId": "checkPort", "tags": ["sockets"],
        "summary": "Does anything listen on PROTO/PORT, and what to do when not",
        "parameters": [NODE, q("proto", "tcp or udp", S, True), q("port", "the port", S, True)],
        "responses": responses({"200": ok({"anyOf": [ref("CheckReply"), obj({"proto": S, "port": I, "service": nullable("string"),
            "listening": B, "verdict": S, "answer": S, "hints": arr(S), "nodes": arr(ref("CheckReply"))},
            ["nodes", "verdict"], desc="The fleet's answer")]})}, "404")}},
    "/api/v1/events": {"get": {"operationId": "changeFeed", "tags": ["sockets"],
        "summary": "The change feed: an event per socket change, filtered; resumes with Last-Event-ID",
        "parameters": FILTERS + [q("change", "change kinds, comma-separated (opened, closed, state-changed, owner-changed, short-lived, namespace-changed)"),
                                 q("last-event-id", "resume after this event id (as the Last-Event-ID header)"),
                                 {"name": "Last-Event-ID", "in": "header", "required": False, "schema": S,
                                  "description": "resume after this event id; an id too old gets event: reset"}],
        "responses": responses({"200": events({"socket-opened": ref("SocketChange"), "socket-closed": ref("SocketChange"),
            "socket-state": ref("SocketChange"), "owner-changed": ref("SocketChange"), "socket-short-lived": ref("SocketChange"),
            "socket-namespace": ref("SocketChange"), "node": ref("NodeStatusChange"), "reset": ref("FeedReset")},
            "Server-Sent Events, until the client goes")})}},
    "/api/v1/scans": {
        "get": {"operationId": "listScans", "tags": ["scans"], "summary": "Scans known to this hub",
                "responses": responses({"200": ok(obj({"scans": arr(ref("Scan")), "running": I}, ["scans", "running"]))})},
        "post": {"operationId": "startScan", "tags": ["scans"], "summary": "Start a scan (like nmap -sT / -sU); operator",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": obj({
                     "target": S, "node": S, "ports": S, "proto": {"type": "string", "enum": ["tcp", "udp"]},
                     "preset": {"type": "string", "enum": ["polite", "normal", "aggressive"]}, "banners": B},
                     ["target"], extra=False)}}},
                 "responses": responses({"202": ok(ref("Scan"), "Accepted: it runs; follow it at Location or its events",
                                                   {"Location": {"schema": S, "description": "the scan's URL"}})}, "404", "413", "415")}},
    "/api/v1/scans/{id}": {
        "get": {"operationId": "getScan", "tags": ["scans"], "summary": "A scan's state and results",
                "parameters": [p("id", "12 hexadecimal digits"), q("node", "the node it ran on"),
                               q("format", "json (default), csv or grepable (nmap -oG)", {"type": "string", "enum": ["json", "csv", "grepable"]})],
                "responses": responses({"200": {"description": "The scan", "content": {
                    "application/json": {"schema": ref("Scan")}, "text/csv": {"schema": S}, "text/plain": {"schema": S}}}}, "404")},
        "delete": {"operationId": "cancelScan", "tags": ["scans"], "summary": "Cancel a running scan; operator",
                   "parameters": [p("id", "12 hexadecimal digits"), q("node", "the node it runs on")],
                   "responses": responses({"200": ok(ref("Scan"))}, "404")}},
    "/api/v1/scans/{id}/events": {"get": {"operationId": "scanEvents", "tags": ["scans"],
        "summary": "A scan's progress and results as they come",
        "parameters": [p("id", "12 hexadecimal digits"), q("node", "the node it runs on")],
        "responses": responses({"200": events({
            "progress": obj({"type": {"const": "progress"}, "scanId": S, "done": I, "total": I}, ["type", "scanId", "done", "total"]),
            "port": obj({"type": {"const": "port"}, "scanId": S, "result": ref("ScanResult")}, ["type", "scanId", "result"]),
            "done": obj({"type": {"const": "done"}, "scanId": S, "done": I, "total": I, "status": ref("Scan")}, ["type", "scanId", "status"])},
            "Server-Sent Events until the scan ends (done)")}, "404")}},
    "/api/v1/why": {"get": {"operationId": "why", "tags": ["checks"],
        "summary": "Troubleshooting answers: why a bind fails, why a connect fails, everything about a port; operator",
        "description": "kind=connect sends packets: besides the operator role it needs an Authorization or X-Requested-With header.",
        "parameters": [q("kind", "bind, connect or port", {"type": "string", "enum": ["bind", "connect", "port"]}, True),
                       q("proto", "tcp or udp (bind, port)"), q("port", "the port (bind, port, connect)"),
                       q("address", "the local address to bind (bind)"), q("host", "the host to connect to (connect)"),
                       q("node", "the node that answers (bind, port) or connects (connect)"),
                       q("timeoutMillis", "how long a connect may take (connect)")],
        "responses": responses({"200": ok(obj({"kind": S, "subject": S, "node": nullable("string"), "verdict": S,
            "problem": B, "sentence": S,
            "findings": arr(obj({"code": S, "severity": {"type": "string"}, "sentence": S}, ["code", "severity", "sentence"])),
            "evidence": arr(obj({"role": nullable("string"), "pid": nullable("integer"), "process": nullable("string"),
                                 "user": nullable("string"), "local": nullable("string"), "remote": nullable("string"),
                                 "state": nullable("string"), "netns": nullable("string"), "sockets": nullable("integer")}))},
            ["kind", "subject", "verdict", "problem", "sentence", "findings", "evidence"]))}, "404")}},
    "/api/v1/connectivity": {"post": {"operationId": "connectivity", "tags": ["checks"],
        "summary": "Can a node connect to HOST:PORT (like nc -z), with the reason; operator",
        "requestBody": {"required": True, "content": {"application/json": {"schema": obj({"host": S, "port": I, "node": S,
                                                                                          "timeoutMillis": I}, ["host", "port"])}}},
        "responses": responses({"200": ok(obj({"node": S, "host": S, "address": nullable("string"), "port": I, "status": S,
            "connected": B, "elapsedMillis": N, "localAddress": nullable("string"), "localPort": nullable("integer"),
            "reason": nullable("string")}, ["node", "host", "port", "status", "connected"]))}, "404", "413", "415")}},
    "/api/v1/reachability": {"post": {"operationId": "reachability", "tags": ["checks"],
        "summary": "Can each of several nodes connect to HOST:PORT; operator",
        "requestBody": {"required": True, "content": {"application/json": {"schema": obj({"host": S, "port": I,
            "nodes": arr(S), "timeoutMillis": I}, ["host", "port"])}}},
        "responses": responses({"200": ok(obj({"host": S, "port": I, "timeoutMillis": I, "results": arr(obj({
            "node": S, "status": S, "reason": nullable("string"), "millis": nullable("number"), "address": nullable("string"),
            "localAddress": nullable("string"), "answered": B}, ["node", "status"])), "reachableFrom": I, "of": I},
            ["host", "port", "results", "reachableFrom", "of"]))}, "413", "415")}},
    "/api/v1/scan-policy": {
        "get": {"operationId": "getScanPolicy", "tags": ["scans"], "summary": "What a node may scan",
                "parameters": [q("node", "the node (default this one)")],
                "responses": responses({"200": ok(ref("ScanPolicy"))}, "404")},
        "put": {"operationId": "changeScanPolicy", "tags": ["scans"], "summary": "Change what a node may scan; admin",
                "parameters": [q("node", "the node (default this one)")],
                "requestBody": {"required": True, "content": {"application/json": {"schema": obj({"allow": arr(S),
                    "maxPorts": I, "maxHosts": I, "maxRate": I, "maxOpenSockets": I, "maxConcurrent": I})}}},
                "responses": responses({"200": ok(ref("ScanPolicy"))}, "404", "413", "415")}},
    "/api/v1/tokens": {
        "get": {"operationId": "listTokens", "tags": ["access"], "summary": "API tokens; admin",
                "responses": responses({"200": ok(obj({"tokens": arr(ref("Token")), "storage": {"type": "string", "enum": ["memory", "file", "cluster"]}},
                                                      ["tokens", "storage"]))}, "409")},
        "post": {"operationId": "createToken", "tags": ["access"], "summary": "Make an API token (its secret is shown once); admin",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": obj({"name": S,
                     "role": {"type": "string", "enum": ["viewer", "operator", "admin"]}}, ["name", "role"])}}},
                 "responses": responses({"201": ok({"allOf": [ref("Token"), obj({"token": S}, ["token"])]}, "Created")}, "409", "413", "415")}},
    "/api/v1/tokens/{id}": {"delete": {"operationId": "revokeToken", "tags": ["access"], "summary": "Revoke a token; admin",
        "parameters": [p("id", "the token's id")],
        "responses": responses({"204": {"description": "Revoked"}}, "404", "409")}},
    "/api/v1/audit": {"get": {"operationId": "auditLog", "tags": ["access"],
        "summary": "The audit log of scans, checks and policy changes, newest first; operator",
        "parameters": [q("limit", "entries per page"), q("cursor", "nextCursor of the previous page"),
                       q("user", "only this user's"), q("kind", "only this kind"), q("outcome", "only this outcome"),
                       q("node", "only those about this node")],
        "responses": responses({"200": ok(obj({"entries": arr(ref("AuditEntry")), "nextCursor": nullable("string"),
                                               "newestId": I, "kept": I, "dropped": I}, ["entries", "nextCursor"]))})}},
}

doc = {
    "openapi": "3.1.0",
    "info": {"title": "Portolan API", "version": "1",
             "description": "What is listening, who owns it, and what is connected, on every node of a fleet. "
                            "Every refusal and failure answers {error, detail} (the Error schema). Without --users "
                            "the API needs no credentials; with it, send an API token (Authorization: Bearer) or use "
                            "the dashboard's session cookie, with the CSRF token in X-XSRF-TOKEN on anything but GET. "
                            "Roles: viewer reads, operator also scans and checks, admin also manages tokens and the scan policy."},
    "security": [{}, {"bearerToken": []}, {"session": [], "csrf": []}],
    "tags": [{"name": n} for n in ["meta", "fleet", "sockets", "scans", "checks", "access"]],
    "paths": paths,
    "components": {
        "schemas": schemas,
        "responses": {
            "BadRequest": err("The request is malformed: an unknown or invalid parameter, body or encoding"),
            "Unauthorized": err("Credentials are needed (a session or a bearer token), or the token is unknown"),
            "Forbidden": err("The caller's role may not do this, the CSRF token is missing, or the Host/Origin is not this node's"),
            "NotFound": err("No such node, process, scan or token"),
            "Conflict": err("The node runs without authentication, so it has no tokens"),
            "TooLarge": err("The body is over the limit"),
            "UnsupportedMediaType": err("The body is not JSON"),
            "Misdirected": err("The Host names no name this node answers to"),
            "TooMany": err("Over the caller's rate of scans or checks; Retry-After says when to try again"),
            "Internal": err("The node could not answer; see its log"),
            "Unavailable": err("The node did not answer in time"),
        },
        "securitySchemes": {
            "bearerToken": {"type": "http", "scheme": "bearer", "description": "An API token (POST /api/v1/tokens)"},
            "session": {"type": "apiKey", "in": "cookie", "name": "portolan.session", "description": "The dashboard's login session"},
            "csrf": {"type": "apiKey", "in": "header", "name": "X-XSRF-TOKEN",
                     "description": "With a session, on anything but GET/HEAD: the XSRF-TOKEN cookie's value"},
        },
    },
}
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "src", "main", "resources", "openapi", "openapi.json")
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(out))
